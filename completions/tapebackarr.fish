# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tapebackarr_global_optspecs
    string join \n home= json q/quiet v/verbose no-progress y/yes h/help V/version
end

function __fish_tapebackarr_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tapebackarr_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tapebackarr_using_subcommand
    set -l cmd (__fish_tapebackarr_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "init" -d 'Create the home directory and the catalog, or bring an old catalog up to date'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "pool" -d 'Tape pools: groups of tapes with one retention and allocation policy'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "source" -d 'Backup sources: directory trees to back up, with include and exclude globs'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "job" -d 'Backup jobs: a source, a pool, a schedule, compression and encryption'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "audit" -d 'The audit trail of every change'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "create" -d 'Create a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "list" -d 'List pools with their tape and job counts'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "show" -d 'Show one pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "update" -d 'Change a pool\'s settings'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "delete" -d 'Delete an empty pool (one with no tapes and no jobs)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l description -d 'Free text shown in listings' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l retention-days -d 'Days a tape\'s sets are kept before the tape may be reused (0 = forever)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l allocation-policy -d 'How backups pick tapes: continue (fill the active tape, then a blank, then an expired one) or always (a fresh tape every run)' -r -f -a "continue\t''
always\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l no-reuse -d 'Never reuse this pool\'s tapes, even when their retention has passed'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l rename -d 'New name' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l description -d 'New description (\'\' clears it)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l retention-days -d 'Days a tape\'s sets are kept (0 = forever)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l allocation-policy -d 'continue or always' -r -f -a "continue\t''
always\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l allow-reuse -d 'Whether expired tapes may be reused' -r -f -a "true\t''
false\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pools with their tape and job counts'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a pool\'s settings'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an empty pool (one with no tapes and no jobs)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "add" -d 'Add a source: a directory tree to back up'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "list" -d 'List sources'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "show" -d 'Show one source and the jobs that use it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "update" -d 'Change a source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "remove" -d 'Remove a source no job uses'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l type -d 'local, smb or nfs' -r -f -a "local\t''
smb\t''
nfs\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l include -d 'Back up only what matches (repeatable; default: everything)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l exclude -d 'Leave out what matches (repeatable)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l disabled -d 'Add it disabled: jobs using it do not run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l rename -d 'New name' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l path -d 'New path' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l type -d 'New type: local, smb or nfs' -r -f -a "local\t''
smb\t''
nfs\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l include -d 'Replace the include globs (repeatable)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l exclude -d 'Replace the exclude globs (repeatable)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l clear-include -d 'Remove every include glob (back up everything)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l clear-exclude -d 'Remove every exclude glob'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l enable -d 'Enable the source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l disable -d 'Disable the source: jobs using it do not run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a source: a directory tree to back up'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "list" -d 'List sources'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one source and the jobs that use it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a source no job uses'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "create" -d 'Create a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "list" -d 'List jobs'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "show" -d 'Show one job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "update" -d 'Change a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "delete" -d 'Delete a job that has never produced a backup set'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "enable" -d 'Enable a job: its schedule applies again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "disable" -d 'Disable a job: it is not run by its schedule'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l source -d 'The source to back up' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l pool -d 'The pool to write to' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l type -d 'full or incremental' -r -f -a "full\t''
incremental\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l schedule -d 'When to run (cron); none = only when started by hand' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l retention-days -d 'Days the job\'s sets are kept' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l compression -d 'none, zstd or zstd:LEVEL (1-19)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l encryption-key -d 'Encrypt with this key (AES-256-GCM)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l disabled -d 'Create it disabled'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l rename -d 'New name' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l source -d 'Another source' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l pool -d 'Another pool' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l type -d 'full or incremental' -r -f -a "full\t''
incremental\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l schedule -d 'New schedule (cron)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l retention-days -d 'Days the job\'s sets are kept' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l compression -d 'none, zstd or zstd:LEVEL (1-19)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l encryption-key -d 'Encrypt with this key' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-schedule -d 'Remove the schedule: the job runs only when started by hand'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-encryption -d 'Stop encrypting new sets'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "list" -d 'List jobs'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a job that has never produced a backup set'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Enable a job: its schedule applies again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disable a job: it is not run by its schedule'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'List audit entries, oldest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only entries at or after this time: YYYY-MM-DD, \'YYYY-MM-DD HH:MM\' (UTC), RFC 3339, or an age such as 12h, 7d, 2w' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l resource -d 'Only entries about this kind of resource (pool, source, job, catalog…), or one resource as TYPE:ID' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l limit -d 'At most this many entries (the newest)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit entries, oldest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "init" -d 'Create the home directory and the catalog, or bring an old catalog up to date'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "pool" -d 'Tape pools: groups of tapes with one retention and allocation policy'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "source" -d 'Backup sources: directory trees to back up, with include and exclude globs'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "job" -d 'Backup jobs: a source, a pool, a schedule, compression and encryption'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "audit" -d 'The audit trail of every change'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job audit completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "create" -d 'Create a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "list" -d 'List pools with their tape and job counts'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "show" -d 'Show one pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "update" -d 'Change a pool\'s settings'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "delete" -d 'Delete an empty pool (one with no tapes and no jobs)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from source" -f -a "add" -d 'Add a source: a directory tree to back up'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from source" -f -a "list" -d 'List sources'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from source" -f -a "show" -d 'Show one source and the jobs that use it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from source" -f -a "update" -d 'Change a source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from source" -f -a "remove" -d 'Remove a source no job uses'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "create" -d 'Create a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "list" -d 'List jobs'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "show" -d 'Show one job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "update" -d 'Change a job'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "delete" -d 'Delete a job that has never produced a backup set'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "enable" -d 'Enable a job: its schedule applies again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "disable" -d 'Disable a job: it is not run by its schedule'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit entries, oldest first'
