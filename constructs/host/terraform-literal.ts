/**
 * Terraform reads `${...}` and `%{...}` in any string as a template. Files and commands placed on a host
 * (shell scripts, nginx configs) use both forms literally, so they are escaped to `$${` and `%%{`, except for
 * cdktf's own token markers, which must still resolve to references (a certificate, a password).
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}
