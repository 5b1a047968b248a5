#!/bin/sh
# Refuse to start the deployment with a secret that is empty or still the .env.example placeholder.
#
# Usage: check_secrets.sh NAME [NAME...]
#   Each NAME is the name of an environment variable (never its value, so no secret is
#   ever on a command line). Exit status 1, naming every offending variable, when one is
#   unset, empty or starts with `replace-with-` (the placeholders shipped in .env.example).
# Run by the `preflight` service (before Postgres and Redis initialise their volumes with a
# placeholder password) and again by `airflow-init`. POSIX sh: runs in any image.
if [ "$#" -eq 0 ]; then
    echo "usage: check_secrets.sh NAME [NAME...]" >&2
    exit 2
fi
status=0
for name in "$@"; do
    case "$name" in
        ''|[0-9]*|*[!A-Za-z0-9_]*)
            echo "ERROR: '$name' is not a variable name" >&2
            exit 2 ;;
    esac
    eval "value=\${$name-}"
    case "$value" in
        '')
            echo "ERROR: secret $name is empty or unset: set it in .env (see .env.example)" >&2
            status=1 ;;
        replace-with-*)
            echo "ERROR: secret $name still holds the .env.example placeholder: generate a real value in .env" >&2
            status=1 ;;
    esac
done
if [ "$status" -ne 0 ]; then
    echo "Refusing to start: fix the variables above in .env, then run docker compose up again." >&2
    exit "$status"
fi
echo "Secrets check passed ($# variables set, none a placeholder)"
