// The baseline: the same cdktf CLI synthesizing an app with one empty stack.
import cdktf from "cdktf";

const app = new cdktf.App();
new cdktf.TerraformStack(app, "empty");
app.synth();
