# Installs the build tree into a temporary prefix, then builds a tiny consumer against it twice:
# with find_package(ansible_runner) and with pkg-config. Run by ctest (see tests/CMakeLists.txt):
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -P install_test.cmake
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_step)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed include/ansible_runner/ansible_runner.hpp share/ansible-runner/callback/awx_display.py bin/ansible-runner)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()
file(GLOB_RECURSE config_files ${prefix}/*/ansible_runnerConfig.cmake)
file(GLOB_RECURSE pc_files ${prefix}/*/ansible_runner.pc)
if(NOT config_files OR NOT pc_files)
  message(FATAL_ERROR "no CMake package config or pkg-config file under ${prefix}")
endif()

# 1. find_package
run_step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
         -DCMAKE_PREFIX_PATH=${prefix})
run_step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run_step(${WORK_DIR}/build/consumer ${WORK_DIR}/pdd)
if(NOT step_output MATCHES "hello from 2\\.3\\.1\n rc=0 status=successful")
  message(FATAL_ERROR "unexpected consumer output: ${step_output}")
endif()

# 2. pkg-config
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run_step(pkg-config --cflags --libs ansible_runner)
string(STRIP "${step_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run_step(c++ -std=c++23 ${SOURCE_DIR}/consumer/main.cpp -o ${WORK_DIR}/consumer_pc ${flags})
run_step(${WORK_DIR}/consumer_pc ${WORK_DIR}/pdd)
message(STATUS "consumer ok: ${step_output}")
