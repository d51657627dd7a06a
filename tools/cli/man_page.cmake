# Writes the iosched(1) man page: help2man turns `iosched --help` into the
# page; an include file adds a COMMANDS section with each command's own
# --help. Run by tools/CMakeLists.txt as
#   cmake -DIOSCHED=prog -DHELP2MAN=help2man -DOUT=iosched.1 -DWORK=dir -P man_page.cmake
execute_process(COMMAND ${IOSCHED} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${IOSCHED} --help failed (${rc})")
endif()
# The command names: the lines of the Subcommands: section that start with
# two spaces and a name.
string(REGEX REPLACE ".*\nSubcommands:\n" "" cmds "${top}")
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "\n${cmds}")
set(section "[COMMANDS]\n")
foreach(n ${names})
  string(STRIP "${n}" n)
  execute_process(COMMAND ${IOSCHED} ${n} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${IOSCHED} ${n} --help failed (${rc})")
  endif()
  # roff: a leading dot or quote would start a request; backslashes escape.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" help "${help}")
  string(APPEND section ".SS ${n}\n.nf\n${help}.fi\n")
endforeach()
string(APPEND section "[SEE ALSO]\nThe documents under share/doc/iosched (README.md, docs/*.md) and the example application in share/doc/iosched/examples.\n")
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/commands.h2m "${section}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section 1
                        --name "compare I/O elevators on recorded traces and simulated disks"
                        --include ${WORK}/commands.h2m --output ${OUT} ${IOSCHED}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
