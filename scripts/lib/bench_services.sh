# What the modes of scripts/bench share: clean-up at exit and the services they start. Source it
# after common.sh; do not run it.

# Commands run when the script exits, the last added first (each once, failures ignored).
BENCH_EXIT_COMMANDS=()

run_exit_commands() {
  local command
  for command in "${BENCH_EXIT_COMMANDS[@]}"; do
    eval "$command" || true
  done
}

# on_exit COMMAND: runs COMMAND (a string for eval; expand what it needs when calling) at exit.
on_exit() {
  BENCH_EXIT_COMMANDS=("$1" "${BENCH_EXIT_COMMANDS[@]}")
  trap run_exit_commands EXIT
}

# start_bench_services SERVICES WHAT: starts SERVICES (scripts/test-services --only: pg, s3,
# conductor, llm) with their state in ${REFLECTOR_BENCH_SERVICES_DIR:-/tmp/reflector-bench-services},
# stops them again at exit, and exports their settings (REFLECTOR_TEST_DATABASE_URL,
# REFLECTOR_TEST_S3_*, CONDUCTOR_SERVER_URL, LLM_URL). WHAT names them in the messages.
start_bench_services() {
  local only=$1 what=$2 services="${REFLECTOR_BENCH_SERVICES_DIR:-/tmp/reflector-bench-services}" exports
  say "starting $what (scripts/test-services, state in $services)"
  on_exit "REFLECTOR_SERVICES_DIR='$services' scripts/test-services stop"
  exports=$(REFLECTOR_SERVICES_DIR="$services" scripts/test-services start --only "$only") ||
    die "could not start $what"
  eval "$exports"
}

# The settings `reflector` needs for the Conductor engine on the services started above (as
# tests/e2e's ConductorServeEnv sets them): PostgreSQL, the S3 server and the Conductor server.
# Use as: env "${CONDUCTOR_ENGINE_ENV[@]}" command...  (after conductor_engine_env).
conductor_engine_env() {
  CONDUCTOR_ENGINE_ENV=(
    CONDUCTOR_ENABLED=true
    CONDUCTOR_SERVER_URL="$CONDUCTOR_SERVER_URL"
    DATABASE_URL="$REFLECTOR_TEST_DATABASE_URL"
    TRANSCRIPT_STORAGE_BACKEND=s3
    TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL="$REFLECTOR_TEST_S3_ENDPOINT"
    TRANSCRIPT_STORAGE_AWS_BUCKET_NAME="$REFLECTOR_TEST_S3_BUCKET"
    TRANSCRIPT_STORAGE_AWS_REGION="$REFLECTOR_TEST_S3_REGION"
    TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID="$REFLECTOR_TEST_S3_ACCESS_KEY"
    TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY="$REFLECTOR_TEST_S3_SECRET_KEY"
  )
}
