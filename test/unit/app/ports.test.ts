import { instancePorts, MAX_INSTANCES } from "../../../constructs/app/ports";

describe("the port plan", () => {
  it("gives the first instance the well-known ports", () => {
    expect(instancePorts(0)).toEqual({ frontend: 8000, admin: 8001, interactive: 8002, broker: 6380 });
  });

  it("never gives two instances the same port", () => {
    const all = Array.from({ length: MAX_INSTANCES }, (_, i) => Object.values(instancePorts(i))).flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([-1, MAX_INSTANCES, 1.5])("refuses index %p with a hint", (index) => {
    expect(() => instancePorts(index)).toThrow(/position in the organisation file/);
  });
});
