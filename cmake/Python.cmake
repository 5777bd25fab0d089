# AR_PYTHON=ON (set by pyproject.toml): the nanobind module `ansible_runner._native` over the
# library, and the wheel's layout as the `python` install component (docs/python.md).
find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
if(NOT nanobind_ROOT)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m nanobind --cmake_dir
    OUTPUT_STRIP_TRAILING_WHITESPACE OUTPUT_VARIABLE nanobind_ROOT COMMAND_ERROR_IS_FATAL ANY)
endif()
find_package(nanobind CONFIG REQUIRED)

file(GLOB AR_PYTHON_SOURCES CONFIGURE_DEPENDS src/python/*.cpp)
nanobind_add_module(_native NB_STATIC ${AR_PYTHON_SOURCES})
# nanobind's headers are third-party code: as system headers our warnings skip them.
set_target_properties(nanobind-static PROPERTIES SYSTEM ON)
target_include_directories(_native PRIVATE ${AR_FACES_VIEW})
target_link_libraries(_native PRIVATE ansible_runner fmt::fmt ar_warnings ar_sanitizers)

# The wheel: the module inside the package, the executable as a script (bin/ansible-runner),
# the plugin where the executable looks for it (<prefix>/share/ansible-runner/callback, with its
# bytecode for installers that do not compile, such as uv; pip replaces it with its own) and
# inside the package, where the module looks for it.
if(DEFINED SKBUILD)
  install(TARGETS _native LIBRARY DESTINATION ansible_runner COMPONENT python)
  install(TARGETS ansible-runner RUNTIME DESTINATION ${SKBUILD_SCRIPTS_DIR} COMPONENT python)
  install(FILES ${AR_PLUGIN_FILES} DESTINATION ${SKBUILD_DATA_DIR}/share/ansible-runner/callback COMPONENT python)
  install(DIRECTORY ${AR_PLUGIN_DIR}/__pycache__ DESTINATION ${SKBUILD_DATA_DIR}/share/ansible-runner/callback
          COMPONENT python OPTIONAL)
  install(FILES ${AR_PLUGIN_FILES} DESTINATION ansible_runner/display_callback/callback COMPONENT python)
endif()
