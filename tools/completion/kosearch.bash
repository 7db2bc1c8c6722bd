# bash completion for kosearch(1): commands, each command's options, the
# values of --format and --color, and paths where a command reads them.
# Self-contained, so it also works without the bash-completion package.

_kosearch_reply()
{
    # One candidate per line, so names with spaces stay whole.
    mapfile -t COMPREPLY < <(compgen "$@")
}

_kosearch_paths()
{
    # Only readline's completion machinery knows compopt.
    compopt -o filenames 2>/dev/null
    _kosearch_reply "$@"
}

_kosearch()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # --option=value arrives as three words: --option, =, value.
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    if ((COMP_CWORD == 1)); then
        _kosearch_reply -W "index search batch show remove analyze stats export synonyms suggest serve http -h --help -V --version" -- "$cur"
        return 0
    fi

    local command=${COMP_WORDS[1]}
    case $prev in
        --db)
            _kosearch_paths -d -- "$cur"
            return 0
            ;;
        --format)
            case $command in
                batch) _kosearch_reply -W "tsv jsonl trec" -- "$cur" ;;
                *) _kosearch_reply -W "text json" -- "$cur" ;;
            esac
            return 0
            ;;
        --color | --colour)
            _kosearch_reply -W "auto always never" -- "$cur"
            return 0
            ;;
        --sort)
            _kosearch_reply -W "relevance date" -- "$cur"
            return 0
            ;;
        --match)
            _kosearch_reply -W "any all" -- "$cur"
            return 0
            ;;
        -n | --limit | --offset | --since | --until | -j | --jobs | --shards | --port | --host | --cors | --threads)
            return 0
            ;;
    esac

    local options
    case $command in
        index) options="--db --shards -j --jobs --rebuild --prune --follow --wait -q --quiet -h --help" ;;
        search) options="--db -n --limit --offset --since --until --sort --match -c --count --format --color --colour --explain --fuzzy --allow-partial -h --help" ;;
        batch) options="--db -n --limit --offset --since --until --sort --match --fuzzy --format -j --jobs --allow-partial -h --help" ;;
        show) options="--db --format -h --help" ;;
        remove) options="--db -h --help" ;;
        serve) options="--db --port --host -h --help" ;;
        http) options="--db --host --port --cors --threads --quiet -h --help" ;;
        analyze) options="--format -h --help" ;;
        stats) options="--db --format -h --help" ;;
        export | synonyms) options="--db -h --help" ;;
        suggest) options="--db -n --limit -h --help" ;;
        *) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        _kosearch_reply -W "$options" -- "$cur"
        return 0
    fi
    case $command in
        index | batch | synonyms) _kosearch_paths -f -- "$cur" ;;
    esac
    return 0
}

complete -F _kosearch kosearch
