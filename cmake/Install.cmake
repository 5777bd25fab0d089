# `cmake --install`: the CLI, the library with its public headers, the callback plugin, a CMake
# package (find_package(ansible_runner) -> ansible_runner::ansible_runner) and a pkg-config file.
include(CMakePackageConfigHelpers)

set(AR_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ansible_runner)

# The public headers need C++20 (ranges sentinels); consumers get that at least.
target_compile_features(ansible_runner INTERFACE cxx_std_20)

install(TARGETS ansible-runner)
# ar_warnings and ar_sanitizers carry no compile flags to consumers: a static library only
# passes its private dependencies on as link-only items (sanitizer link flags, when enabled).
install(TARGETS ansible_runner ar_warnings ar_sanitizers EXPORT ansible_runner_targets
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/ansible_runner DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${AR_PLUGIN_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/ansible-runner/callback)
install(DIRECTORY ${AR_PLUGIN_DIR}/__pycache__ DESTINATION ${CMAKE_INSTALL_DATADIR}/ansible-runner/callback OPTIONAL)

install(EXPORT ansible_runner_targets NAMESPACE ansible_runner:: FILE ansible_runnerTargets.cmake
  DESTINATION ${AR_CMAKE_PACKAGE_DIR})
configure_package_config_file(cmake/ansible_runnerConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ansible_runnerConfig.cmake INSTALL_DESTINATION ${AR_CMAKE_PACKAGE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ansible_runnerConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ansible_runnerConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/ansible_runnerConfigVersion.cmake DESTINATION ${AR_CMAKE_PACKAGE_DIR})

# A static library's users also link its dependencies, so they are plain Requires then.
get_target_property(AR_LIBRARY_TYPE ansible_runner TYPE)
if(AR_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(AR_PC_REQUIRES "nlohmann_json yaml-cpp zlib libdeflate libpcre2-8 fmt")
  set(AR_PC_REQUIRES_PRIVATE "")
else()
  set(AR_PC_REQUIRES "nlohmann_json")
  set(AR_PC_REQUIRES_PRIVATE "yaml-cpp zlib libdeflate libpcre2-8 fmt")
endif()
# The .pc file finds its prefix from its own location, so the install tree can be moved.
file(RELATIVE_PATH AR_PC_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" AR_PC_PREFIX "${AR_PC_PREFIX}")
configure_file(cmake/ansible_runner.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ansible_runner.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ansible_runner.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
