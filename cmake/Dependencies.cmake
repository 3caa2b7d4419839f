# All third-party dependencies come from Debian 12 packages (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(isal REQUIRED IMPORTED_TARGET libisal)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(GTest REQUIRED)
if(STAKECAST_BENCH)
  find_package(benchmark REQUIRED)
endif()
# Standalone Asio is header-only (libasio-dev); io/ is the only user.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(stakecast_asio INTERFACE)
target_include_directories(stakecast_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# ASIO_DISABLE_STD_ALIGNED_ALLOC: asio picks aligned_alloc or operator new per translation unit depending on
# which standard headers came first, so memory allocated in one TU could be freed the other way (ASan:
# alloc-dealloc-mismatch); one allocator everywhere.
target_compile_definitions(stakecast_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC
  ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1)
target_link_libraries(stakecast_asio INTERFACE Threads::Threads)
