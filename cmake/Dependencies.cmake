# Every third-party dependency, all from Debian packages; nothing is downloaded.
find_package(nlohmann_json 3.10 REQUIRED)   # JSON: ordered objects keep the reference's key order
find_package(yaml-cpp REQUIRED)             # YAML env files (the reference accepts YAML or JSON)
find_package(CLI11 REQUIRED)                # argparse-like command line
find_package(fmt REQUIRED)                  # formatting
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)                 # deflate for the zip payloads of the streaming protocol
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate) # ~3x faster deflate of whole small files
# libzip only for the unit tests, which build hostile archives with it. Debian's libzip CMake
# config needs the zip tools package; pkg-config does not.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)  # password prompts use Python re syntax
find_package(Threads REQUIRED)
