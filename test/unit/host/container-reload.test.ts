import { renderContainerReload } from "../../../constructs/host/container-reload";

/* What the rendered command does on a real dockerd: test/system/monitoring/prometheus-reload.test.ts and
 * test/system/broker-endpoint/nginx-reload.test.ts. Here: nothing but plain words reaches the shell. */
describe("renderContainerReload refuses", () => {
  it("a container name the shell would read as more than a name", () => {
    expect(() => renderContainerReload({ container: "x; reboot", apply: "hup" })).toThrow(
      "container reload: 'x; reboot' is not a container name",
    );
  });

  it("a check word the shell would expand or split, and an empty check", () => {
    const reload = (check: string[]) => () =>
      renderContainerReload({ container: "failmap-prometheus", check, apply: "hup" });
    expect(reload(["promtool", "check", "config", "$(reboot)"])).toThrow(
      "container reload of failmap-prometheus: '$(reboot)' is not a plain program name or argument",
    );
    expect(reload(["promtool", "a b"])).toThrow(/'a b' is not a plain program name/);
    expect(reload([])).toThrow(/'' is not a plain program name/);
  });
});
