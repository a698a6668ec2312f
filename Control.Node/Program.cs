using System.CommandLine;
using NerfEngine.Control.Cli;
using NerfEngine.Shared.Fabric.Hosting;

var root = new RootCommand("NerfEngine control node: detection, autopilot, autonomy, MCP tools, journal audit.");
root.Subcommands.Add(NodeRunCommand.Create("control", "Run the embedded control node (no servers needed) with management HTTP on port 8558."));
root.Subcommands.Add(SynthCommand.Create());
return await CliRunner.InvokeAsync(root, args);
