# partita_add_child_dirs(): add every child folder that has a CMakeLists.txt,
# so components and tests can be added without editing a shared list.
function(partita_add_child_dirs)
	file(GLOB children LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/*)
	list(SORT children)
	foreach(child ${children})
		if(IS_DIRECTORY ${child} AND EXISTS ${child}/CMakeLists.txt)
			add_subdirectory(${child})
		endif()
	endforeach()
endfunction()
