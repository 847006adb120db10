# SPDX-License-Identifier: GPL-2.0-only
# Bash completion for partita: commands, each command's options, partition names, config files.
#
# Sourced by an interactive bash (the root image's /etc/bash.bashrc does);
# the lists come from partita itself (--help, help COMMAND, list --json),
# so they follow the binary that is installed.

_partita_commands() {
	partita --help 2>/dev/null | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'
}

_partita_names() {
	partita list --json 2>/dev/null |
		sed -n 's/^ *"name": "\([^"]*\)".*/\1/p'
}

_partita() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]} i positional=0

	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_partita_commands)" -- "$cur"))
		return 0
	fi
	case $cur in
	-*)
		# The options its help names, each once (no sort in every image).
		local opt opts=" "
		for opt in $(partita help "$cmd" 2>/dev/null |
			grep -o -- '--[a-z][a-z-]*'); do
			case $opts in *" $opt "*) ;; *) opts="$opts$opt " ;; esac
		done
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
		;;
	esac
	# An option's value: nothing to offer but the cache modes.
	case $prev in
	--cache | -c)
		[ "$cmd" = block-attach ] &&
			COMPREPLY=($(compgen -W "writeback none" -- "$cur"))
		return 0
		;;
	--weight | -w | --cap | --timeout | -t | --interval | -i | \
		--iterations | -n | --linger | -l)
		case $cmd in sched | shutdown | reboot | top | console | block-detach)
			return 0 ;;
		esac
		;;
	esac
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) positional=$((positional + 1)) ;;
		esac
	done
	case $cmd in
	help)
		[ $positional -eq 0 ] &&
			COMPREPLY=($(compgen -W "$(_partita_commands)" -- "$cur"))
		;;
	create | check | soak)
		# Config files: bash's own file completion (complete -o default).
		;;
	block-attach)
		[ $positional -eq 0 ] &&
			COMPREPLY=($(compgen -W "$(_partita_names)" -- "$cur"))
		;;
	dmesg) ;;
	*)
		[ $positional -eq 0 ] &&
			COMPREPLY=($(compgen -W "$(_partita_names)" -- "$cur"))
		;;
	esac
	return 0
}

complete -o bashdefault -o default -F _partita partita
