using System.CommandLine;
using NerfEngine.Shared.Fabric.Hosting;

var root = new RootCommand("NerfEngine sensor node: capture packets, build graph edges, publish edge batches.");
root.Subcommands.Add(NodeRunCommand.Create("sensor", "Run the sensor node with management HTTP on port 8559."));
root.Subcommands.Add(NerfEngine.Sensor.Cli.ReplayCommand.Create());
root.Subcommands.Add(NerfEngine.Sensor.Cli.CaptureCommand.Create());
return await CliRunner.InvokeAsync(root, args);
