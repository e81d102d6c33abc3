#!/usr/bin/env bash
# Starts an SSH agent on $SSH_AUTH_SOCK and adds the deploy key from SSH_PRIVATE_KEY, which holds either
# the key itself or (a GitLab "File" variable) the path of a file holding it. The stack's SSH connections
# and the docker provider take the key from this agent; it is never written to the work tree.
set -euo pipefail

if [ -z "${SSH_AUTH_SOCK:-}" ]; then
  echo "SSH_AUTH_SOCK is not set: set it to a socket path (e.g. /tmp/failmap-ssh-agent.sock) for the job" >&2
  exit 1
fi
if [ -z "${SSH_PRIVATE_KEY:-}" ]; then
  echo "SSH_PRIVATE_KEY is empty: add the deploy key (a private key of a sudo user) as a CI secret" >&2
  exit 1
fi

if ! ssh-add -l >/dev/null 2>&1; then
  rm -f "$SSH_AUTH_SOCK"
  ssh-agent -a "$SSH_AUTH_SOCK" >/dev/null
fi
if [ -f "$SSH_PRIVATE_KEY" ]; then
  tr -d '\r' <"$SSH_PRIVATE_KEY" | ssh-add -
else
  printf '%s\n' "$SSH_PRIVATE_KEY" | tr -d '\r' | ssh-add -
fi
ssh-add -l
