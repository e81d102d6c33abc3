#!/bin/sh
# Grafana's placeholder, at the path of the image's run.sh: ignores its arguments, takes where to listen from
# Grafana's own settings (GF_SERVER_*), and answers <sub path>/api/health there.
set -eu
sub_path=""
if [ "${GF_SERVER_SERVE_FROM_SUB_PATH:-false}" = true ]; then
  # The path of the root URL: https://admin.example/grafana/ -> /grafana
  root_url=${GF_SERVER_ROOT_URL-}
  after_scheme=${root_url#*://}
  case $after_scheme in */*) sub_path=/${after_scheme#*/} ;; esac
  sub_path=${sub_path%/}
fi
address=${GF_SERVER_HTTP_ADDR:-}
exec /usr/local/lib/failmap-placeholder/serve "$PLACEHOLDER_FOR" \
  "${address:+$address:}${GF_SERVER_HTTP_PORT:-3000}" "$sub_path/api/health"
