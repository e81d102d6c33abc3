#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# People: accounts, SSH keys, sudo and docker rights. A user dropped from the config is locked, not deleted,
# so their files stay for whoever takes over. The deploy user (made by cloud-init, or by hand on an existing
# server) keeps working, with the keys of the current sudo users: cloud-init set them once, at first boot.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USERS_FILE=$CONFIG/users
MANAGED=$FAILMAP_USERS_GROUP # everyone this script has created, so a dropped user can be found again
SSH_GROUP=$FAILMAP_SSH_GROUP # the only group sshd lets in

deploy_keys() { awk '$1 == "deploy-key" { sub(/^deploy-key /, ""); print }' "$USERS_FILE"; }
# Before any change: Terraform logs in as the deploy user, so no keys would lock every operator out.
[[ -n $(deploy_keys) ]] ||
  fail "$USERS_FILE lists no keys for $FAILMAP_DEPLOY_USER; refusing to leave it without any"

ensure_packages sudo passwd

ensure_group() {
  if getent group "$1" >/dev/null; then
    ok "group $1"
  else
    groupadd "${@:2}" "$1"
    changed "group $1"
  fi
}

in_group() { id -nG "$1" | tr ' ' '\n' | grep -qxF "$2"; }

join_group() {
  if in_group "$1" "$2"; then
    ok "$1 in $2"
  else
    usermod -a -G "$2" "$1"
    changed "$1 in $2"
  fi
}

leave_group() {
  if in_group "$1" "$2"; then
    gpasswd -d "$1" "$2" >/dev/null
    changed "$1 left $2"
  fi
}

shadow_field() { getent shadow "$1" | cut -d: -f"$2"; }
# Password locked and account expired (day 1 of 1970).
is_locked() { [[ $(shadow_field "$1" 2) == '!'* && $(shadow_field "$1" 8) == 1 ]]; }

configured_users() { awk '$1 == "user" { print $2 }' "$USERS_FILE"; }
user_field() { awk -v user="$1" -v field="$2" '$1 == "user" && $2 == user { print $field }' "$USERS_FILE"; }
user_keys() {
  awk -v user="$1" '
    $1 == "user" { current = $2 }
    $1 == "key" && current == user { sub(/^key /, ""); print }
  ' "$USERS_FILE"
}

# install_keys USER < keys: USER's authorized_keys hold exactly these keys (put_file replaces it atomically,
# so sshd never reads an empty or half-written file).
install_keys() {
  local group home
  group=$(id -gn "$1")
  home=$(getent passwd "$1" | cut -d: -f6)
  install -d -m 0700 -o "$1" -g "$group" "$home/.ssh"
  write_file "$home/.ssh/authorized_keys" 0600 "$1:$group"
}

ensure_group "$MANAGED"
ensure_group "$SSH_GROUP"
ensure_group docker --system

id -u "$FAILMAP_DEPLOY_USER" >/dev/null 2>&1 ||
  fail "the deploy user $FAILMAP_DEPLOY_USER does not exist; cloud-init (or you) must create it, with sudo"
join_group "$FAILMAP_DEPLOY_USER" "$SSH_GROUP"
join_group "$FAILMAP_DEPLOY_USER" docker
install_keys "$FAILMAP_DEPLOY_USER" < <(deploy_keys)

mapfile -t wanted < <(configured_users)
sudoers=$(mktemp)
trap 'rm -f "$sudoers"' EXIT
echo "# Managed by failmap bootstrap. These users log in with keys only and have no password." >"$sudoers"

for user in "${wanted[@]}"; do
  [[ $user != "$FAILMAP_DEPLOY_USER" && $user != root ]] || fail "$user cannot be a managed user"
  sudo=$(user_field "$user" 3)
  shell=$(user_field "$user" 4)
  if ! id -u "$user" >/dev/null 2>&1; then
    # '*' as password: no password login, but not "locked", so sshd accepts keys with or without PAM.
    useradd --create-home --shell "$shell" --password '*' --groups "$MANAGED" "$user"
    changed "user $user created"
  else
    if [[ $(getent passwd "$user" | cut -d: -f7) != "$shell" ]]; then
      usermod --shell "$shell" "$user"
      changed "$user shell $shell"
    fi
    if [[ $(shadow_field "$user" 2) == '!'* ]]; then
      usermod --unlock "$user" >/dev/null
      changed "user $user unlocked"
    fi
    if [[ -n $(shadow_field "$user" 8) ]]; then
      chage --expiredate -1 "$user"
      changed "user $user no longer expired"
    fi
    join_group "$user" "$MANAGED"
  fi
  join_group "$user" "$SSH_GROUP"
  if [[ $sudo == sudo ]]; then
    join_group "$user" sudo
    join_group "$user" docker
    echo "$user ALL=(ALL:ALL) NOPASSWD: ALL" >>"$sudoers"
  else
    leave_group "$user" sudo
    leave_group "$user" docker
  fi
  install_keys "$user" < <(user_keys "$user")
done

# Members of the docker group are root in all but name, so passwordless sudo adds no power, and
# people without passwords could not use sudo at all otherwise.
visudo -cqf "$sudoers" || fail "the rendered sudoers file is invalid"
put_file "$sudoers" /etc/sudoers.d/50-failmap-users 0440

# Dropped users: password locked, account expired (which also stops key logins through PAM), and out of
# the SSH, sudo and docker groups.
for user in $(getent group "$MANAGED" | cut -d: -f4 | tr ',' ' '); do
  if printf '%s\n' "${wanted[@]}" | grep -qxF "$user"; then continue; fi
  if is_locked "$user" && ! in_group "$user" "$SSH_GROUP"; then
    ok "user $user locked"
    continue
  fi
  usermod --lock "$user"
  chage --expiredate 1 "$user"
  for group in "$SSH_GROUP" sudo docker; do leave_group "$user" "$group"; done
  changed "user $user locked"
done
