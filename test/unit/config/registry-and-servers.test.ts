import { exampleSource, problemsOf as problems, type Data } from "./load-report";

/*
 * Issue 20: a registry mirror Docker would read as a Docker Hub account, and two organisation files aimed at
 * one existing server, are refused with the file and field.
 */

const source = (name: string, edit: (d: Data) => void = () => undefined) => exampleSource(edit, name);

describe("a registry mirror", () => {
  it.each(["registry", "mirror/hub"])(
    "'%s' (no dot, no port) is refused: Docker reads it as a Hub account",
    (mirror) => {
      expect(problems([source("faalkaart", (d) => (d.images = { registryMirror: mirror }))])).toEqual([
        expect.stringMatching(
          /^organisations\/faalkaart\.yaml:\d+: images\.registryMirror: has no dot or port in its host, so Docker would read it as an account on Docker Hub/,
        ),
      ]);
    },
  );

  it.each(["registry.faalkaart.nl", "mirror:5000/hub", "localhost:5000", "127.0.0.1:5000"])(
    "'%s' is accepted",
    (mirror) => {
      expect(problems([source("faalkaart", (d) => (d.images = { registryMirror: mirror }))])).toEqual([]);
    },
  );
});

describe("two organisations on one existing server", () => {
  it("are refused, naming the server's address and the other file", () => {
    const other = source("failmap-uk", (d) => {
      d.name = "failmap-ie";
      d.server.fqdn = "failserver.failmap.ie";
      d.instances = { production: { domain: "failmap.ie", admin: "admin.failmap.ie" } };
      d.remoteWorkers = undefined;
    });
    other.file = "organisations/failmap-ie.yaml";
    expect(problems([source("failmap-uk"), other])).toEqual([
      expect.stringMatching(
        /^organisations\/failmap-ie\.yaml:\d+: server\.address: \S+ is also the server of organisations\/failmap-uk\.yaml; one organisation per server/,
      ),
    ]);
  });
});
