// Planted violation: the bottom room uses SQLite.
#include <sqlite3.h>
