#include "api/json_writer.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::api {

struct json_writer::impl {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
};

namespace {

rapidjson::SizeType len(std::string_view s) {
  return static_cast<rapidjson::SizeType>(s.size());
}

} // namespace

json_writer::json_writer() : impl_(std::make_unique<impl>()) {
}

json_writer::~json_writer() = default;

json_writer& json_writer::begin_object() {
  impl_->w.StartObject();
  return *this;
}

json_writer& json_writer::end_object() {
  impl_->w.EndObject();
  return *this;
}

json_writer& json_writer::begin_array() {
  impl_->w.StartArray();
  return *this;
}

json_writer& json_writer::end_array() {
  impl_->w.EndArray();
  return *this;
}

json_writer& json_writer::key(std::string_view k) {
  impl_->w.Key(k.data(), len(k), true);
  return *this;
}

json_writer& json_writer::value(std::string_view v) {
  impl_->w.String(v.data(), len(v), true);
  return *this;
}

json_writer& json_writer::value(int64_t v) {
  impl_->w.Int64(v);
  return *this;
}

json_writer& json_writer::value(double v) {
  impl_->w.Double(v);
  return *this;
}

json_writer& json_writer::value(bool v) {
  impl_->w.Bool(v);
  return *this;
}

json_writer& json_writer::null() {
  impl_->w.Null();
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  impl_->w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}

std::string json_writer::str() const {
  return {impl_->buf.GetString(), impl_->buf.GetSize()};
}

} // namespace usms::api
