# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tapebackarr_global_optspecs
    string join \n home= json q/quiet v/verbose no-progress y/yes drive= wait password-file= h/help V/version
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
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "init" -d 'Create the home directory and the catalog, or bring an old catalog up to date'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "pool" -d 'Tape pools: groups of tapes with one retention and allocation policy'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "source" -d 'Backup sources: directory trees to back up, with include and exclude globs'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "job" -d 'Backup jobs: a source, a pool, a schedule, compression and encryption'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "tape" -d 'Tapes: label, identify, list, move through their lifecycle, dump raw files'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "drive" -d 'Drives: add, inspect, rewind, eject, load virtual cartridges'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "vlib" -d 'The built-in virtual tape library: create one, add cartridges, see what is where'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "library" -d 'Tape libraries: register changers, take inventory, load and unload drives'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "backup" -d 'Back up a job\'s source to tape; list and show backup sets'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "catalog" -d 'Search the catalog: find files, browse sets, which tapes a restore needs, statistics'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "restore" -d 'Restore files from tape: a set, or a job\'s state at a point in time'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "verify" -d 'Read a backup set back and check it against the catalog'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "key" -d 'Encryption keys: create, list, export, import, change passphrase, delete'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "expire" -d 'Expire backup sets past retention and free their tapes for reuse'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "audit" -d 'The audit trail of every change'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "schedule" -d 'Run jobs on their schedules (from cron or a systemd timer); see what ran and what is next'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "notify" -d 'Notifications: who is told when a job fails, a tape is needed or full, a drive alerts'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tapebackarr -n "__fish_tapebackarr_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand init" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and not __fish_seen_subcommand_from create list show update delete help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l no-reuse -d 'Never reuse this pool\'s tapes, even when their retention has passed'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pools with their tape and job counts'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a pool\'s settings'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an empty pool (one with no tapes and no jobs)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and not __fish_seen_subcommand_from add list show update remove help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l disabled -d 'Add it disabled: jobs using it do not run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l clear-include -d 'Remove every include glob (back up everything)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l clear-exclude -d 'Remove every exclude glob'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l enable -d 'Enable the source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l disable -d 'Disable the source: jobs using it do not run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a source: a directory tree to back up'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "list" -d 'List sources'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one source and the jobs that use it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a source no job uses'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand source; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and not __fish_seen_subcommand_from create list show update delete enable disable help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l full-every -d 'Incremental jobs: run a full once the chain\'s full is this many days old, so old chains can expire [default: never]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l compression -d 'none, zstd or zstd:LEVEL (1-19)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l encryption-key -d 'Encrypt with this key (AES-256-GCM)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l disabled -d 'Create it disabled'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l rename -d 'New name' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l source -d 'Another source' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l pool -d 'Another pool' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l type -d 'full or incremental' -r -f -a "full\t''
incremental\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l schedule -d 'New schedule (cron)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l retention-days -d 'Days the job\'s sets are kept' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l full-every -d 'Incremental jobs: run a full once the chain\'s full is this many days old (0: never)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l compression -d 'none, zstd or zstd:LEVEL (1-19)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l encryption-key -d 'Encrypt with this key' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-schedule -d 'Remove the schedule: the job runs only when started by hand'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-encryption -d 'Stop encrypting new sets'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand job; and __fish_seen_subcommand_from disable" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "label" -d 'Write a label to the tape in the drive and add it to a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "identify" -d 'Read the label of the tape in the drive and say which tape it is'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "list" -d 'List tapes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "show" -d 'Show one tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "assign" -d 'Move a blank or expired tape to another pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "update" -d 'Mark a tape full by hand (no backup appends to it), or active again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "retire" -d 'Take a tape out of service for good'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "export" -d 'Record that a tape went offsite'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "import" -d 'Record that an exported tape is back'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "erase" -d 'Quick-erase the tape in the drive, keeping its label (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "dump" -d 'Write the raw bytes of tape file N to stdout or a file, like `mt fsf N; dd`'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and not __fish_seen_subcommand_from label identify list show assign update retire export import erase dump help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l pool -d 'The pool the tape joins' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l barcode -d 'The cartridge\'s barcode [default: the virtual cartridge\'s name, or the one the library reads]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l lto-type -d 'LTO generation, for the capacity (LTO-1 … LTO-9)' -r -f -a "LTO-1\t''
LTO-2\t''
LTO-3\t''
LTO-4\t''
LTO-5\t''
LTO-6\t''
LTO-7\t''
LTO-8\t''
LTO-9\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l block-size -d 'Size of the data blocks backups write to this tape: 64K, 128K, 256K, 512K or 1M (recorded in the label; readers follow it)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l force -d 'Overwrite a tape that holds a label or data'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l barcodes -d 'Label every blank cartridge of the drive\'s library that the catalog does not know, by its barcode'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from label" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from identify" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l pool -d 'Only tapes of this pool' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l status -d 'Only tapes with this status' -r -f -a "blank\t''
active\t''
full\t''
expired\t''
retired\t''
exported\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l pool -d 'The new pool' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from assign" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l status -d 'The new status: full or active' -r -f -a "full\t''
active\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from retire" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l location -d 'Where it is kept' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l force -d 'Also erase a tape this catalog does not know (a foreign or unlabelled one)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from erase" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l file -d 'Tape file number (0 = label)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s o -l output -d 'Write here instead of stdout' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from dump" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "label" -d 'Write a label to the tape in the drive and add it to a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "identify" -d 'Read the label of the tape in the drive and say which tape it is'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tapes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "assign" -d 'Move a blank or expired tape to another pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "update" -d 'Mark a tape full by hand (no backup appends to it), or active again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "retire" -d 'Take a tape out of service for good'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "export" -d 'Record that a tape went offsite'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "import" -d 'Record that an exported tape is back'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "erase" -d 'Quick-erase the tape in the drive, keeping its label (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "dump" -d 'Write the raw bytes of tape file N to stdout or a file, like `mt fsf N; dd`'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand tape; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "add" -d 'Register a drive under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "list" -d 'List drives'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "show" -d 'Show one drive as the catalog knows it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "status" -d 'Ask the drive itself: loaded tape, position, flags, identity'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "remove" -d 'Forget a drive (the device is not touched)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "enable" -d 'Let commands use the drive again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "disable" -d 'Keep commands off the drive (for cleaning, repair)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "rewind" -d 'Rewind the tape in the drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "eject" -d 'Rewind and eject the tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "stats" -d 'Read the drive\'s health (TapeAlert flags, error and usage counters) and record it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "alerts" -d 'List the alerts drives raised, from the catalog, or resolve one'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "clean" -d 'Clean a library\'s drive with a cleaning cartridge (barcode CLN...)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "selftest" -d 'Test a drive before trusting it with backups (overwrites the tape in it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "load" -d 'Put a cartridge into a virtual drive (outside a library)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and not __fish_seen_subcommand_from add list show status remove enable disable rewind eject stats alerts clean selftest load help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l device -d 'Device string (see below)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l capacity -d 'Virtual drives: capacity of new cartridges, e.g. 500M, 20G, 1T (powers of 1024)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l library -d 'Tie the drive to this library at once (as `library attach-drive` does)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l element -d 'The drive\'s element address in that library (see `library show`)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from rewind" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from eject" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l resolve -d 'Mark alert ID resolved' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l all -d 'Resolved alerts too'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from alerts" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from clean" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l max-size -d 'The most written while waiting for the early warning, e.g. 256M, 2G' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l force -d 'Overwrite a tape that holds a label or data'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from selftest" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l tape -d 'Cartridge name (its barcode)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l create -d 'Create a blank cartridge of that name if the shelf has none'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from load" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a drive under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "list" -d 'List drives'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one drive as the catalog knows it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "status" -d 'Ask the drive itself: loaded tape, position, flags, identity'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget a drive (the device is not touched)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Let commands use the drive again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Keep commands off the drive (for cleaning, repair)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "rewind" -d 'Rewind the tape in the drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "eject" -d 'Rewind and eject the tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Read the drive\'s health (TapeAlert flags, error and usage counters) and record it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "alerts" -d 'List the alerts drives raised, from the catalog, or resolve one'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Clean a library\'s drive with a cleaning cartridge (barcode CLN...)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "selftest" -d 'Test a drive before trusting it with backups (overwrites the tape in it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "load" -d 'Put a cartridge into a virtual drive (outside a library)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand drive; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "create" -d 'Create a virtual library with slots, drives and barcoded blank cartridges'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "add-tape" -d 'Put new blank cartridges into the import/export slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "take-out" -d 'Act as the operator: take a cartridge out of an import/export slot onto the shelf'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "put-in" -d 'Act as the operator: put a shelf cartridge into the first empty import/export slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "status" -d 'Show what is in each slot and drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and not __fish_seen_subcommand_from create add-tape take-out put-in status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l slots -d 'Storage slots' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l drives -d 'Drives' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l import-export -d 'Import/export (mail) slots' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l tapes -d 'Blank cartridges to put in the first slots' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l prefix -d 'Barcode prefix; barcodes are PREFIX0001L8, PREFIX0002L8, …' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l capacity -d 'Capacity of each cartridge, e.g. 500M, 20G (powers of 1024)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l capacity -d 'Capacity of each cartridge' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from add-tape" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from take-out" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from put-in" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a virtual library with slots, drives and barcoded blank cartridges'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "add-tape" -d 'Put new blank cartridges into the import/export slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "take-out" -d 'Act as the operator: take a cartridge out of an import/export slot onto the shelf'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "put-in" -d 'Act as the operator: put a shelf cartridge into the first empty import/export slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show what is in each slot and drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand vlib; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "add" -d 'Register a tape library (its medium changer) under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "list" -d 'List libraries'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "show" -d 'Show a library and what its last inventory found in each element'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "remove" -d 'Forget a library (the changer is not touched; detach its drives first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "inventory" -d 'Ask the changer what is in every element and record it in the catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "status" -d 'Ask the changer what is in its drives and mail slots now, beside the catalog\'s view'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "import" -d 'Move every cartridge in the import/export (mail) slots into free storage slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "export" -d 'Move tapes to the import/export (mail) slots for taking out, and mark them exported'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "attach-drive" -d 'Tie a catalog drive (--drive) to a drive element of a library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "detach-drive" -d 'Untie a catalog drive (--drive) from its library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "load" -d 'Move a cartridge from a slot, or wherever its barcode is, into a drive (--drive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "unload" -d 'Move the cartridge in a drive (--drive) back to its storage slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "transfer" -d 'Move a cartridge from one element to another'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and not __fish_seen_subcommand_from add list show remove inventory status import export attach-drive detach-drive load unload transfer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l device -d 'Changer string (see below)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l scan -d 'Have the changer scan every element first (INITIALIZE ELEMENT STATUS; minutes on a large library)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l read-labels -d 'Load cartridges the catalog does not know and read their labels'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from inventory" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l location -d 'Where the tapes are going (recorded as their offsite location)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l library -d 'Library name [default: the only library]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l element -d 'The drive\'s element address in the changer (see `library show`)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from attach-drive" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from detach-drive" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l cleaning -d 'Allow loading a cleaning cartridge'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from load" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l slot -d 'Element address to put it in [default: the slot it came from when the changer remembers it and it is empty, else the first empty storage slot]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from unload" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l library -d 'Library name [default: the only library]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from transfer" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a tape library (its medium changer) under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "list" -d 'List libraries'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a library and what its last inventory found in each element'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget a library (the changer is not touched; detach its drives first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "inventory" -d 'Ask the changer what is in every element and record it in the catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "status" -d 'Ask the changer what is in its drives and mail slots now, beside the catalog\'s view'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "import" -d 'Move every cartridge in the import/export (mail) slots into free storage slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "export" -d 'Move tapes to the import/export (mail) slots for taking out, and mark them exported'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "attach-drive" -d 'Tie a catalog drive (--drive) to a drive element of a library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "detach-drive" -d 'Untie a catalog drive (--drive) from its library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "load" -d 'Move a cartridge from a slot, or wherever its barcode is, into a drive (--drive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "unload" -d 'Move the cartridge in a drive (--drive) back to its storage slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "transfer" -d 'Move a cartridge from one element to another'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand library; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "run" -d 'Back up a job\'s source to a tape of its pool (appends; never overwrites)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "resume" -d 'Continue a backup that stopped cleanly (Ctrl-C, a full tape nobody could change)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "list" -d 'List backup sets, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "show" -d 'Show one set: where it is on tape, what it holds, when it expires'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "hold" -d 'Put a set under legal hold: it and its incremental chain never expire'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "release" -d 'Lift a legal hold: the set expires by its retention again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and not __fish_seen_subcommand_from run resume list show hold release help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l source -d 'Ad hoc: back up this source (with --pool), recorded under the job `adhoc-SOURCE-POOL`' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l pool -d 'Ad hoc: the pool to write to (with --source or --stdin)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l compression -d 'Ad hoc: none, zstd or zstd:LEVEL [default: none]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l key -d 'Ad hoc: encrypt with this key' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l stdin -d 'Back up standard input as the file NAME (a relative path) of a set of its own, recorded under source `stdin` and job `adhoc-stdin-POOL` (with --pool)' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l stdin-size -d 'The exact size of standard input (bytes, or with K, M, G, T): it goes to tape as it is read, and a stream of another size fails the run. Without it, standard input is first spooled to the home directory' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l checkpoint -d 'Close the part and start the next on the same tape after this much stream (e.g. 64G, 500M; 0 = never): a checkpoint a crashed run can be resumed from, at the cost of two flushing filemarks and an index each time' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l full -d 'Back up everything, whatever the job\'s type'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l incremental -d 'Back up what changed since the job\'s last completed set (a full when there is none)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l cross-fs -d 'Descend into file systems mounted below the source'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l dry-run -d 'Say what would be written and which tapes would do, touching neither tape nor catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l job -d 'Only sets of this job' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l limit -d 'At most this many sets' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l reason -d 'Why it is held (shown by backup show; replaces an earlier reason)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from hold" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from release" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "run" -d 'Back up a job\'s source to a tape of its pool (appends; never overwrites)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Continue a backup that stopped cleanly (Ctrl-C, a full tape nobody could change)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'List backup sets, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one set: where it is on tape, what it holds, when it expires'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "hold" -d 'Put a set under legal hold: it and its incremental chain never expire'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "release" -d 'Lift a legal hold: the set expires by its retention again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "find" -d 'Find files by substring or glob in every completed set, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "ls" -d 'List what a set holds directly below a directory, like ls'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "tapes" -d 'Which tapes, in which order, a restore of PATHs needs, and where they are'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "stats" -d 'Catalog statistics: sets, entries, paths, tapes, bytes per pool, the search index'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "rebuild" -d 'Rebuild the catalog\'s record of the tape in the drive from the tape itself'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "check" -d 'Check the catalog\'s consistency: SQLite integrity, the search index, sets, parts and their places on tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "backup" -d 'Back the catalog itself up to tape, appended after the tape\'s last file'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "restore-db" -d 'Install the newest catalog backup on the tape in the drive; works without a catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and not __fish_seen_subcommand_from find ls tapes stats rebuild check backup restore-db help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l job -d 'Only sets of this job' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l source -d 'Only sets of this source' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l since -d 'Only sets started at or after this time: YYYY-MM-DD, \'YYYY-MM-DD HH:MM\' (UTC), RFC 3339, or an age such as 12h, 7d, 2w' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l limit -d 'At most this many hits (the newest)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l deleted -d 'Include deletions: entries an incremental recorded for paths that went away'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from find" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s l -l long -d 'Long listing: mode, kind, size, modification time, link target'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l set -d 'Restore from this set only' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l job -d 'Restore the state of this job\'s backups (its newest full set and the incrementals after it)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l as-of -d 'With --job: the state at this time instead of now. YYYY-MM-DD (the end of that day, UTC), \'YYYY-MM-DD HH:MM\' (UTC), RFC 3339, or an age such as 12h, 7d' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from tapes" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l library -d 'Read every data cartridge of the drive\'s library in turn (each loaded, read and put back in its slot), not only the tape in the drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from rebuild" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l pool -d 'Write to a tape of this pool, chosen by the pool\'s allocation policy as backups choose' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l tape -d 'Write to this tape (in the drive, or fetched by the drive\'s library)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l key -d 'Encrypt with this key (AES-256-GCM, as set data); its passphrase is asked for' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l device -d 'The drive\'s device (/dev/nst0, sg:/dev/sg3, vtape:DIR), for when there is no catalog to name drives; without it, the drive of the home\'s catalog (--drive)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l library-device -d 'The changer of the library the drive (--device) is in: every cartridge is read (headers only) and the newest catalog backup of them all restored' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l tape -d 'Only if the tape in the drive has this label' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l to -d 'Write the database to FILE instead of installing it in the home (the home is not touched and nothing is reconciled)' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l key-file -d 'The exported key (tapebackarr key export) an encrypted catalog backup needs; its passphrase from TAPEBACKARR_PASSWORD_FILE, --password-file or the terminal' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l force -d 'Replace an existing catalog (kept as catalog.db.before-restore-TIME) or FILE'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from restore-db" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "find" -d 'Find files by substring or glob in every completed set, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List what a set holds directly below a directory, like ls'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "tapes" -d 'Which tapes, in which order, a restore of PATHs needs, and where they are'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Catalog statistics: sets, entries, paths, tapes, bytes per pool, the search index'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "rebuild" -d 'Rebuild the catalog\'s record of the tape in the drive from the tape itself'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the catalog\'s consistency: SQLite integrity, the search index, sets, parts and their places on tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Back the catalog itself up to tape, appended after the tape\'s last file'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "restore-db" -d 'Install the newest catalog backup on the tape in the drive; works without a catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand catalog; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l set -d 'Restore from this set (its own entries only)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l job -d 'Restore the job\'s newest state: its last full set and the incrementals on top of it' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l as-of -d 'With --job: the state as of this time: YYYY-MM-DD (the end of that day, so that night\'s backup counts), YYYY-MM-DD HH:MM[:SS] UTC or RFC 3339' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l to -d 'Destination directory (created if missing); nothing is written outside it. `-`: the content of the one file the patterns name, to stdout' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l overwrite -d 'Replace files that exist in the destination'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l skip-existing -d 'Leave files that exist in the destination alone'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l verify -d 'Read every restored file back from the destination and compare its checksum'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l keep-damaged -d 'Keep a file whose data fails its checksum as NAME.damaged beside where it belongs (default: remove it; the real name is never given to damaged data)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l dry-run -d 'List what would be restored and the tapes needed, reading no tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand restore" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l quick -d 'Check the label, the header block and the index only (seconds, not hours)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand verify" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "create" -d 'Create a random 256-bit key, wrapped under a passphrase'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "list" -d 'List keys (names and fingerprints only)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "show" -d 'Show one key\'s metadata (never the key)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "export" -d 'Write the wrapped key to a file (mode 0600) for safekeeping'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "import" -d 'Add a key from an exported file (its passphrase proves it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "passwd" -d 'Change a key\'s passphrase (the key itself stays the same)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "delete" -d 'Delete a key no backup set or job uses (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and not __fish_seen_subcommand_from create list show export import passwd delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l description -d 'Free text' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l force -d 'Overwrite an existing file'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l name -d 'Name it this instead of its exported name' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l new-password-file -d 'Read the new passphrase from this file\'s first line' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from passwd" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a random 256-bit key, wrapped under a passphrase'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys (names and fingerprints only)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one key\'s metadata (never the key)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the wrapped key to a file (mode 0600) for safekeeping'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "import" -d 'Add a key from an exported file (its passphrase proves it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Change a key\'s passphrase (the key itself stays the same)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a key no backup set or job uses (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l dry-run -d 'Say what would expire, changing nothing'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand expire" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'List audit entries, oldest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only entries at or after this time: YYYY-MM-DD, \'YYYY-MM-DD HH:MM\' (UTC), RFC 3339, or an age such as 12h, 7d, 2w' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l resource -d 'Only entries about this kind of resource (pool, source, job, catalog…), or one resource as TYPE:ID' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l limit -d 'At most this many entries (the newest)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit entries, oldest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -f -a "run-due" -d 'Run every enabled job whose next run has come (meant to be called every minute)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -f -a "list" -d 'Every job with its schedule, last run, result and next run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -f -a "systemd" -d 'Write systemd units (a timer calling run-due every minute) and a crontab line'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and not __fish_seen_subcommand_from run-due list systemd help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l dry-run -d 'Say which jobs would run, changing nothing'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l catalog-backup -d 'After a round that wrote a set, append a backup of the catalog to the tape the last run ended on (as `catalog backup` does)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from run-due" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l output -d 'Write the files into DIR (created if missing) instead of printing them, e.g. /etc/systemd/system' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l user -d 'Run the jobs as this user and its primary group [default: root]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l catalog-backup -d 'Have run-due back the catalog up after each round that wrote a set (`schedule run-due --catalog-backup`)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from systemd" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "run-due" -d 'Run every enabled job whose next run has come (meant to be called every minute)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every job with its schedule, last run, result and next run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "systemd" -d 'Write systemd units (a timer calling run-due every minute) and a crontab line'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -f -a "add" -d 'Add a target: a command, an email address or a webhook, and the events it wants'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -f -a "list" -d 'Every target, the events it wants, and how its last delivery went'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -f -a "test" -d 'Send a test notification to a target and say how it went (exit 1 if it failed)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -f -a "remove" -d 'Remove a target (and its stored secret)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and not __fish_seen_subcommand_from add list test remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l on -d 'The events to send, a comma list: job_failed, tape_needed, tape_full, drive_alert, verify_mismatch, job_missed, or all' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l command -d 'Run this program (no shell; the event\'s JSON on stdin)' -r -f -a "(__fish_complete_command)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l arg -d 'An argument for --command (repeat for more)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l email -d 'Send an email to this address (needs --smtp and --from)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l smtp -d 'The SMTP server for --email [default port: 587 with starttls, 465 implicit, 25 none]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l from -d 'The sender address for --email' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l smtp-user -d 'Log in to the SMTP server as this user (needs --smtp-password-file)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l smtp-password-file -d 'The SMTP password: this file\'s first line (read once, kept in the home, mode 0600)' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l tls -d 'How to talk TLS to the SMTP server (none needs --allow-plaintext)' -r -f -a "starttls\t''
implicit\t''
none\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l webhook -d 'POST to this URL (http:// or https://)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l format -d 'The shape of the webhook\'s request' -r -f -a "json\t''
ntfy\t''
gotify\t''
slack\t''"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l header -d 'An extra HTTP header, \'Name: value\' ({token} in the value stands for --token-file\'s token)' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l token-file -d 'The webhook\'s token: this file\'s first line (read once, kept in the home, mode 0600)' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l ca-file -d 'Trust this CA (PEM) for the SMTP or webhook server\'s TLS certificate' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l timeout -d 'Give up on a delivery (all attempts) after this many seconds' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l allow-plaintext -d 'Allow --tls none: mail (and any password) crosses the network in the clear'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l insecure -d 'Do not check the webhook server\'s TLS certificate (anyone on the way can read it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a target: a command, an email address or a webhook, and the events it wants'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every target, the events it wants, and how its last delivery went'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test notification to a target and say how it went (exit 1 if it failed)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a target (and its stored secret)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l home -d 'Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr for root, else $XDG_DATA_HOME/tapebackarr]' -r -f -a "(__fish_complete_directories)"
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l drive -d 'The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]' -r
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l password-file -d 'Read the passphrase of encryption keys from this file\'s first line [env: TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]' -r -F
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l json -d 'Print exactly one JSON document on stdout; errors go to stderr as JSON'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s q -l quiet -d 'Print only what was asked for: no confirmations or notes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l no-progress -d 'Never draw progress bars (they are drawn only on a terminal anyway)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations (needed for destructive steps when not interactive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -l wait -d 'Wait for a drive another process is using, instead of failing at once'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "init" -d 'Create the home directory and the catalog, or bring an old catalog up to date'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "pool" -d 'Tape pools: groups of tapes with one retention and allocation policy'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "source" -d 'Backup sources: directory trees to back up, with include and exclude globs'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "job" -d 'Backup jobs: a source, a pool, a schedule, compression and encryption'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "tape" -d 'Tapes: label, identify, list, move through their lifecycle, dump raw files'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "drive" -d 'Drives: add, inspect, rewind, eject, load virtual cartridges'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "vlib" -d 'The built-in virtual tape library: create one, add cartridges, see what is where'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "library" -d 'Tape libraries: register changers, take inventory, load and unload drives'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "backup" -d 'Back up a job\'s source to tape; list and show backup sets'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "catalog" -d 'Search the catalog: find files, browse sets, which tapes a restore needs, statistics'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "restore" -d 'Restore files from tape: a set, or a job\'s state at a point in time'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "verify" -d 'Read a backup set back and check it against the catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "key" -d 'Encryption keys: create, list, export, import, change passphrase, delete'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "expire" -d 'Expire backup sets past retention and free their tapes for reuse'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "audit" -d 'The audit trail of every change'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "schedule" -d 'Run jobs on their schedules (from cron or a systemd timer); see what ran and what is next'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "notify" -d 'Notifications: who is told when a job fails, a tape is needed or full, a drive alerts'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and not __fish_seen_subcommand_from init pool source job tape drive vlib library backup catalog restore verify key expire audit schedule notify completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "label" -d 'Write a label to the tape in the drive and add it to a pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "identify" -d 'Read the label of the tape in the drive and say which tape it is'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "list" -d 'List tapes'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "show" -d 'Show one tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "assign" -d 'Move a blank or expired tape to another pool'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "update" -d 'Mark a tape full by hand (no backup appends to it), or active again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "retire" -d 'Take a tape out of service for good'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "export" -d 'Record that a tape went offsite'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "import" -d 'Record that an exported tape is back'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "erase" -d 'Quick-erase the tape in the drive, keeping its label (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from tape" -f -a "dump" -d 'Write the raw bytes of tape file N to stdout or a file, like `mt fsf N; dd`'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "add" -d 'Register a drive under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "list" -d 'List drives'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "show" -d 'Show one drive as the catalog knows it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "status" -d 'Ask the drive itself: loaded tape, position, flags, identity'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "remove" -d 'Forget a drive (the device is not touched)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "enable" -d 'Let commands use the drive again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "disable" -d 'Keep commands off the drive (for cleaning, repair)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "rewind" -d 'Rewind the tape in the drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "eject" -d 'Rewind and eject the tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "stats" -d 'Read the drive\'s health (TapeAlert flags, error and usage counters) and record it'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "alerts" -d 'List the alerts drives raised, from the catalog, or resolve one'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "clean" -d 'Clean a library\'s drive with a cleaning cartridge (barcode CLN...)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "selftest" -d 'Test a drive before trusting it with backups (overwrites the tape in it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from drive" -f -a "load" -d 'Put a cartridge into a virtual drive (outside a library)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from vlib" -f -a "create" -d 'Create a virtual library with slots, drives and barcoded blank cartridges'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from vlib" -f -a "add-tape" -d 'Put new blank cartridges into the import/export slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from vlib" -f -a "take-out" -d 'Act as the operator: take a cartridge out of an import/export slot onto the shelf'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from vlib" -f -a "put-in" -d 'Act as the operator: put a shelf cartridge into the first empty import/export slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from vlib" -f -a "status" -d 'Show what is in each slot and drive'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "add" -d 'Register a tape library (its medium changer) under a name'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "list" -d 'List libraries'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "show" -d 'Show a library and what its last inventory found in each element'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "remove" -d 'Forget a library (the changer is not touched; detach its drives first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "inventory" -d 'Ask the changer what is in every element and record it in the catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "status" -d 'Ask the changer what is in its drives and mail slots now, beside the catalog\'s view'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "import" -d 'Move every cartridge in the import/export (mail) slots into free storage slots'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "export" -d 'Move tapes to the import/export (mail) slots for taking out, and mark them exported'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "attach-drive" -d 'Tie a catalog drive (--drive) to a drive element of a library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "detach-drive" -d 'Untie a catalog drive (--drive) from its library'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "load" -d 'Move a cartridge from a slot, or wherever its barcode is, into a drive (--drive)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "unload" -d 'Move the cartridge in a drive (--drive) back to its storage slot'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from library" -f -a "transfer" -d 'Move a cartridge from one element to another'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "run" -d 'Back up a job\'s source to a tape of its pool (appends; never overwrites)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "resume" -d 'Continue a backup that stopped cleanly (Ctrl-C, a full tape nobody could change)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'List backup sets, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "show" -d 'Show one set: where it is on tape, what it holds, when it expires'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "hold" -d 'Put a set under legal hold: it and its incremental chain never expire'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "release" -d 'Lift a legal hold: the set expires by its retention again'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "find" -d 'Find files by substring or glob in every completed set, newest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "ls" -d 'List what a set holds directly below a directory, like ls'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "tapes" -d 'Which tapes, in which order, a restore of PATHs needs, and where they are'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "stats" -d 'Catalog statistics: sets, entries, paths, tapes, bytes per pool, the search index'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "rebuild" -d 'Rebuild the catalog\'s record of the tape in the drive from the tape itself'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "check" -d 'Check the catalog\'s consistency: SQLite integrity, the search index, sets, parts and their places on tape'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "backup" -d 'Back the catalog itself up to tape, appended after the tape\'s last file'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from catalog" -f -a "restore-db" -d 'Install the newest catalog backup on the tape in the drive; works without a catalog'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "create" -d 'Create a random 256-bit key, wrapped under a passphrase'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List keys (names and fingerprints only)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "show" -d 'Show one key\'s metadata (never the key)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "export" -d 'Write the wrapped key to a file (mode 0600) for safekeeping'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "import" -d 'Add a key from an exported file (its passphrase proves it)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "passwd" -d 'Change a key\'s passphrase (the key itself stays the same)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "delete" -d 'Delete a key no backup set or job uses (asks first)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit entries, oldest first'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "run-due" -d 'Run every enabled job whose next run has come (meant to be called every minute)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "list" -d 'Every job with its schedule, last run, result and next run'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "systemd" -d 'Write systemd units (a timer calling run-due every minute) and a crontab line'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "add" -d 'Add a target: a command, an email address or a webhook, and the events it wants'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "list" -d 'Every target, the events it wants, and how its last delivery went'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "test" -d 'Send a test notification to a target and say how it went (exit 1 if it failed)'
complete -c tapebackarr -n "__fish_tapebackarr_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "remove" -d 'Remove a target (and its stored secret)'
