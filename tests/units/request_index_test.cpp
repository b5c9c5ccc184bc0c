#include "actors/request_index.hpp"

#include <catch2/catch.hpp>

using namespace usms;

namespace {

index_entry write(const char* id, int64_t seq, std::string key = {}) {
  index_entry e;
  e.id = id;
  e.seq = seq;
  e.serial_key = std::move(key);
  e.clock_start = 1000 + seq;
  return e;
}

index_entry query(const char* id, int64_t seq) {
  auto e = write(id, seq);
  e.query = true;
  return e;
}

std::vector<std::string> drain(request_index& ix, int64_t now) {
  std::vector<std::string> out;
  while (auto p = ix.next_ready(now))
    out.push_back(p->id);
  return out;
}

} // namespace

TEST_CASE("index: writes before queries, each oldest first") {
  request_index ix;
  CHECK(ix.add(query("q1", 1)));
  CHECK(ix.add(write("w2", 2)));
  CHECK(ix.add(query("q3", 3)));
  CHECK(ix.add(write("w4", 4)));
  CHECK_FALSE(ix.add(write("w4", 9)));
  CHECK(ix.size() == 4);
  CHECK(drain(ix, 0) == std::vector<std::string>{"w2", "w4", "q1", "q3"});
  CHECK(ix.active() == 4);
  CHECK(ix.inactive() == 0);
}

TEST_CASE("index: writes_only leaves the queries") {
  request_index ix;
  ix.add(query("q1", 1));
  ix.add(write("w2", 2));
  auto p = ix.next_ready(0, true);
  REQUIRE(p);
  CHECK(p->id == "w2");
  CHECK_FALSE(ix.next_ready(0, true));
  CHECK(ix.next_ready(0)->id == "q1");
}

TEST_CASE("index: requests with one serial key run one at a time, in order") {
  request_index ix;
  ix.add(write("a1", 1, "ref-A"));
  ix.add(write("b2", 2, "ref-B"));
  ix.add(write("a3", 3, "ref-A"));
  ix.add(write("a4", 4, "ref-A"));
  CHECK(drain(ix, 0) == std::vector<std::string>{"a1", "b2"});
  // a1 waits for a retry: it keeps the key, a3 stays behind it.
  ix.passivated("a1", 5000);
  CHECK_FALSE(ix.next_ready(4999));
  CHECK(ix.next_ready_at() == 5000);
  CHECK(ix.next_ready(5000)->id == "a1");
  ix.finished("a1");
  CHECK(drain(ix, 5000) == std::vector<std::string>{"a3"});
  ix.finished("a3");
  CHECK(drain(ix, 5000) == std::vector<std::string>{"a4"});
  ix.finished("a4");
  ix.finished("b2");
  CHECK(ix.size() == 0);
  // The key is free again.
  ix.add(write("a5", 5, "ref-A"));
  CHECK(drain(ix, 5000) == std::vector<std::string>{"a5"});
}

TEST_CASE("index: key_free() tells whether a new request would wait for "
          "its serial key") {
  request_index ix;
  CHECK(ix.key_free("ref-A"));
  CHECK(ix.key_free(""));
  ix.add(write("a1", 1, "ref-A"));
  ix.add(write("n2", 2));
  CHECK_FALSE(ix.key_free("ref-A")); // waiting
  CHECK(ix.key_free("ref-B"));
  CHECK(ix.key_free(""));
  CHECK(drain(ix, 0) == std::vector<std::string>{"a1", "n2"});
  CHECK_FALSE(ix.key_free("ref-A")); // active
  ix.finished("a1");
  CHECK(ix.key_free("ref-A"));
}

TEST_CASE("index: a held request goes back in its place") {
  request_index ix;
  ix.add(write("w1", 1));
  ix.add(write("w2", 2));
  auto p = ix.next_ready(0);
  REQUIRE(p->id == "w1");
  // USMS went down: handed back at once, ready as soon as it may run.
  ix.passivated("w1", 0);
  CHECK(ix.inactive() == 2);
  CHECK(drain(ix, 0) == std::vector<std::string>{"w1", "w2"});
}

TEST_CASE("index: take() picks one out of order, e.g. to cancel it") {
  request_index ix;
  ix.add(write("a1", 1, "k"));
  ix.add(write("a2", 2, "k"));
  ix.add(write("a3", 3, "k"));
  CHECK(ix.next_ready(0)->id == "a1");
  CHECK(ix.take("a2")); // blocked behind a1
  CHECK_FALSE(ix.take("a2"));
  CHECK_FALSE(ix.take("nope"));
  ix.finished("a2"); // cancelled
  ix.finished("a1");
  CHECK(drain(ix, 0) == std::vector<std::string>{"a3"});
  // A taken request that is handed back waits behind its key again.
  ix.add(write("a4", 4, "k"));
  CHECK(ix.take("a4"));
  ix.passivated("a4", 0);
  CHECK_FALSE(ix.next_ready(0));
  ix.finished("a3");
  CHECK(drain(ix, 0) == std::vector<std::string>{"a4"});
}

TEST_CASE("index: expired() names the inactive requests past their give-up "
          "time, oldest first") {
  request_index ix;
  auto a = write("a", 1);
  a.clock_start = 100;
  auto b = write("b", 2);
  b.clock_start = 200;
  auto c = write("c", 3);
  c.clock_start = 300;
  ix.add(a);
  ix.add(b);
  ix.add(c);
  CHECK(ix.oldest_clock_start() == 100);
  CHECK(ix.next_ready(0)->id == "a"); // active: it checks for itself
  CHECK(ix.expired(250, 10, 10) == std::vector<std::string>{"b"});
  CHECK(ix.expired(1000, 10, 10) == std::vector<std::string>{"c"});
  CHECK(ix.expired(1000, 10, 10).empty());
  // A retried request starts a new clock: the old deadline is stale.
  ix.finished("b");
  auto again = b;
  again.clock_start = 5000;
  ix.add(again);
  CHECK(ix.expired(2000, 10, 10).empty());
  CHECK(ix.expired(5010, 10, 10) == std::vector<std::string>{"b"});
  CHECK(ix.seq_of("b") == 2);
  CHECK(ix.seq_of("zz") == 0);
}

TEST_CASE("index: delayed requests become ready in time order") {
  request_index ix;
  auto a = write("a", 1);
  a.ready_at = 300;
  auto b = write("b", 2);
  b.ready_at = 200;
  ix.add(a);
  ix.add(b);
  ix.add(write("c", 3));
  CHECK(ix.delayed() == 2);
  CHECK(drain(ix, 100) == std::vector<std::string>{"c"});
  CHECK(ix.next_ready_at() == 200);
  CHECK(drain(ix, 250) == std::vector<std::string>{"b"});
  CHECK(drain(ix, 300) == std::vector<std::string>{"a"});
  CHECK(ix.delayed() == 0);
  ix.passivated("a", 900);
  CHECK(ix.delayed() == 1);
  ix.finished("a");
  CHECK(ix.delayed() == 0);
}
