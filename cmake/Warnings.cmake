# Warnings live in an INTERFACE target that our targets link and third-party code does not.
add_library(ar_warnings INTERFACE)
target_compile_options(ar_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough)
if(AR_DEV_MODE)
  target_compile_options(ar_warnings INTERFACE -Werror)
endif()
