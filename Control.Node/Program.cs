using System.CommandLine;
using NerfEngine.Control.Cli;
using NerfEngine.Shared.Fabric.Hosting;

var root = new RootCommand("NerfEngine control node: detection, autopilot, autonomy, MCP tools, journal audit.");
root.Subcommands.Add(RunVerb.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(McpCommand.Create());
root.Subcommands.Add(MatrixCommand.Create());
root.Subcommands.Add(JournalCommand.Create());
return await CliRunner.InvokeAsync(root, args);
