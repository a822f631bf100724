# Every dependency is a Debian package, found the CMake way (see shared/PISTACHE.md).
find_package(PkgConfig REQUIRED)
pkg_check_modules(Pistache REQUIRED IMPORTED_TARGET libpistache>=0.0.5)
find_package(CURL REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(spdlog CONFIG REQUIRED)  # the gateway log's file sink (gateway/log.cc only)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)  # Debian libpq-dev: the gateway's PostgreSQL store
find_package(Threads REQUIRED)
if(LINKGATE_TESTS)
  find_package(GTest CONFIG REQUIRED)
  find_package(rapidcheck CONFIG REQUIRED)  # no version file in Debian's package
endif()
