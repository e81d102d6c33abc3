import { Password } from "@cdktf/provider-random/lib/password";
import { Testing, TerraformStack } from "cdktf";
import { DENIED_COMMANDS, renderRedisConfig } from "../../../constructs/app/redis-config";

const password = "A1b2C3d4E5f6G7h8I9j0";

describe("the broker's redis.conf", () => {
  const conf = renderRedisConfig({ password });

  it("requires the password for the only account, and denies the administrative commands", () => {
    const acl = conf.split("\n").filter((l) => l.startsWith("user "));
    expect(acl).toHaveLength(1);
    expect(acl[0]).toMatch(new RegExp(`^user default on >${password} ~\\* &\\* \\+@all `));
    for (const command of ["flushall", "flushdb", "config", "debug", "shutdown", "acl"]) {
      expect(DENIED_COMMANDS).toContain(command);
      expect(acl[0]).toContain(` -${command}`);
    }
  });

  it("keeps queues on the data volume, and never evicts them", () => {
    expect(conf).toMatch(/^dir \/data$/m);
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    expect(conf).toMatch(/^port 6379$/m);
  });

  it("takes the test's port, address and directory", () => {
    const local = renderRedisConfig({
      password,
      port: 16379,
      bind: "127.0.0.1",
      dir: "/tmp/x",
      maxMemoryMb: 64,
    });
    expect(local).toMatch(/^port 16379$/m);
    expect(local).toMatch(/^bind 127\.0\.0\.1$/m);
    expect(local).toMatch(/^dir \/tmp\/x$/m);
    expect(local).toMatch(/^maxmemory 64mb$/m);
  });

  it.each(["short", "has space in it 123456", "has:colon:and@at:1234"])("refuses the password %p", (bad) => {
    expect(() => renderRedisConfig({ password: bad })).toThrow(/16 letters and digits/);
  });

  it("accepts a random_password token, checked by its settings instead", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const token = new Password(stack, "p", { length: 48, special: false }).result;
    expect(renderRedisConfig({ password: token })).toContain(`>${token} `);
  });
});
