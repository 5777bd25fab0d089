# Every third-party dependency, all from Debian packages; nothing is downloaded.
find_package(nlohmann_json 3.10 REQUIRED)   # JSON: ordered objects keep the reference's key order
find_package(yaml-cpp REQUIRED)             # YAML env files (the reference accepts YAML or JSON)
find_package(CLI11 REQUIRED)                # argparse-like command line
find_package(fmt REQUIRED)                  # formatting
find_package(PkgConfig REQUIRED)
# The executable starts about a millisecond sooner when the dynamic linker has none of these
# libraries to load and resolve (bench/FINDINGS.md, "Start-up"): outside the Python module (a
# shared object needs position-independent archives, which Debian does not ship) and sanitizer
# builds, the imported targets below point at Debian's static archives instead. Only our own
# build sees that: the installed CMake package and .pc file name the libraries, not the files.
option(AR_STATIC_DEPS "Link yaml-cpp, zlib, libdeflate, pcre2 and libstdc++ into the executable statically" ON)
set(AR_LINK_STATIC_DEPS OFF)
if(AR_STATIC_DEPS AND NOT AR_PYTHON AND NOT AR_SANITIZE AND NOT AR_FUZZ)
  set(AR_LINK_STATIC_DEPS ON)
  foreach(lib yaml-cpp z deflate pcre2-8)
    find_library(AR_ARCHIVE_${lib} NAMES lib${lib}.a)
    if(NOT AR_ARCHIVE_${lib})
      set(AR_LINK_STATIC_DEPS OFF)
    endif()
  endforeach()
endif()
find_package(ZLIB REQUIRED)                 # deflate for the zip payloads of the streaming protocol
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate) # ~3x faster deflate of whole small files
# libzip only for the unit tests, which build hostile archives with it. Debian's libzip CMake
# config needs the zip tools package; pkg-config does not.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)  # password prompts use Python re syntax
# igzip (ISA-L, libisal-dev): deflates a project's small files with less CPU. Only its header is
# built against; the library is loaded at run time when installed (stream/igzip.hpp).
find_path(AR_ISAL_INCLUDE_DIR isa-l/igzip_lib.h)
find_package(Threads REQUIRED)

if(AR_LINK_STATIC_DEPS)
  foreach(pair "yaml-cpp;yaml-cpp" "ZLIB::ZLIB;z")
    list(GET pair 0 target)
    list(GET pair 1 lib)
    foreach(suffix "" _NONE _RELEASE _RELWITHDEBINFO _MINSIZEREL _DEBUG)
      set_target_properties(${target} PROPERTIES IMPORTED_LOCATION${suffix} ${AR_ARCHIVE_${lib}})
    endforeach()
  endforeach()
  set_target_properties(PkgConfig::LIBDEFLATE PROPERTIES INTERFACE_LINK_LIBRARIES ${AR_ARCHIVE_deflate})
  set_target_properties(PkgConfig::PCRE2 PROPERTIES INTERFACE_LINK_LIBRARIES ${AR_ARCHIVE_pcre2-8})
endif()
message(STATUS "ansible-runner: igzip header: ${AR_ISAL_INCLUDE_DIR}")
message(STATUS "ansible-runner: static yaml-cpp, zlib, libdeflate, pcre2 and libstdc++: ${AR_LINK_STATIC_DEPS}")
