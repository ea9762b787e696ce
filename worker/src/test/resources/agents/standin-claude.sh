#!/usr/bin/env bash
# A stand-in for Claude Code (`claude -p ... --output-format stream-json --verbose`): it prints the
# same JSON event lines, edits files in its workspace, asks through `agentyard-worker ask`, fails or
# hangs, as the task's description says ("SCENARIO: <name>"). $1 is the prompt file.
# It writes its process ids under $AGENTYARD_STANDIN_DIR so tests can check they were stopped (and,
# in the "journey" scenario, <task>.done there once it has said everything).
set -u
prompt=$(cat "$1")
scenario=$(grep -o 'SCENARIO: [a-z-]*' <<<"$prompt" | head -1 | cut -d' ' -f2)
dir=${AGENTYARD_STANDIN_DIR:-/tmp}
task=${AGENTYARD_TASK_ID:-unknown}
session="standin-$task"

say() { echo "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_$RANDOM\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"$1\"}],\"usage\":{\"input_tokens\":10,\"output_tokens\":5}},\"session_id\":\"$session\"}"; }
tool() { # id name file
  echo "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_$RANDOM\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"$1\",\"name\":\"$2\",\"input\":{\"file_path\":\"$3\",\"content\":\"hello\"}}]},\"session_id\":\"$session\"}"
}
tool_result() { echo "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"$1\",\"content\":\"$2\",\"is_error\":false}]},\"session_id\":\"$session\"}"; }
result() { # subtype is_error text
  echo "{\"type\":\"result\",\"subtype\":\"$1\",\"is_error\":$2,\"duration_ms\":1200,\"num_turns\":3,\"result\":\"$3\",\"session_id\":\"$session\",\"total_cost_usd\":0.0123,\"usage\":{\"input_tokens\":120,\"output_tokens\":45,\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0}}"
}
edit() {
  tool toolu_1 Write "$PWD/standin.txt"
  echo "edited by the stand-in agent for $task" > standin.txt
  tool_result toolu_1 "File created successfully"
}

echo "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"$session\",\"model\":\"standin-1\",\"cwd\":\"$PWD\",\"tools\":[\"Write\",\"Bash\"]}"
case "$scenario" in
  edit)
    say "Looking at the task."
    edit
    say "Done: wrote standin.txt."
    result success false "Wrote standin.txt"
    ;;
  prompt)
    # the prompt it was given, whole, in base64 (JSON-safe) for the test to read back from the logs
    say "PROMPT $(base64 -w0 "$1")"
    result success false "Read the prompt"
    ;;
  ask)
    say "I need a decision before I go on."
    answer=$(agentyard-worker ask "Which database should I use?") || { echo "ask failed" >&2; exit 7; }
    clean=$(tr -d '"\\' <<<"$answer")
    echo "$clean" > answer.txt
    say "The answer was: $clean"
    result success false "Used $clean"
    ;;
  journey)
    # what a person follows from end to end: numbered lines, a step before the question and one after
    say "journey 1: reading the task"
    tool toolu_j1 Read "$PWD/README.md"
    tool_result toolu_j1 "nothing there yet"
    say "journey 2: I need a decision before I go on"
    answer=$(agentyard-worker ask "Which database should I use?") || { echo "ask failed" >&2; exit 7; }
    clean=$(tr -d '"\\' <<<"$answer")
    say "journey 3: the answer was $clean"
    tool toolu_j2 Write "$PWD/decision.txt"
    echo "$clean" > decision.txt
    tool_result toolu_j2 "File created successfully"
    for i in 4 5 6 7 8; do say "journey $i: working"; done
    result success false "Decided on $clean"
    touch "$dir/$task.done"
    ;;
  fail)
    say "Trying to build."
    echo "standin: the build is broken beyond repair" >&2
    result error_during_execution true "The build failed"
    exit 1
    ;;
  hang)
    say "Thinking for a very long time."
    sleep 600 & echo "$$ $!" > "$dir/$task.pids"
    wait
    ;;
  hang-once)
    if [ -e "$dir/$task.hung" ]; then
      edit
      result success false "Finished on the second attempt"
    else
      touch "$dir/$task.hung"
      say "Thinking for a very long time."
      sleep 600 & echo "$$ $!" > "$dir/$task.pids"
      wait
    fi
    ;;
  slow)
    say "This takes a few seconds."
    sleep "${STANDIN_SLOW_SECONDS:-4}"
    edit
    result success false "Finished slowly"
    ;;
  *)
    echo "standin: unknown scenario '$scenario'" >&2
    exit 2
    ;;
esac
