import { INSTANCE_SLOTS } from "../../../config/model/slots";
import { instancePorts } from "../../../config/model/ports";

describe("the port plan", () => {
  it("gives slot 1 the well-known ports", () => {
    expect(instancePorts(1)).toEqual({ frontend: 8000, admin: 8001, interactive: 8002, broker: 6380 });
  });

  it("never gives two slots the same port", () => {
    const all = Array.from({ length: INSTANCE_SLOTS }, (_, i) => Object.values(instancePorts(i + 1))).flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([0, INSTANCE_SLOTS + 1, 1.5])("refuses slot %p", (slot) => {
    expect(() => instancePorts(slot)).toThrow(/outside the port plan/);
  });
});
