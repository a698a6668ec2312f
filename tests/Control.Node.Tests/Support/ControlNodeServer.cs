using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>
/// The built Control.Node executable serving (<c>run</c> without a capture): started as a user would, its management
/// URL read from the health table it prints (so port 0 can pick a free port), ready once <c>/ready</c> answers 200.
/// <see cref="KillAsync"/> is SIGKILL — no graceful shutdown, no flush; disposing kills a process still running.
/// </summary>
internal sealed partial class ControlNodeServer : IAsyncDisposable
{
    /// <summary>How long a start may take until /ready answers 200.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ControlNodeServer(Process process) => _process = process;

    /// <summary>Management HTTP base URL, e.g. http://127.0.0.1:41234.</summary>
    public Uri ManagementUrl { get; private set; } = null!;

    /// <summary>The MCP endpoint on the management port.</summary>
    public Uri McpUrl => new(ManagementUrl, "/mcp");

    /// <summary>Everything the process wrote so far (stdout and stderr interleaved), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts <c>Control.Node run ARGS</c> in <paramref name="workingDirectory"/> and waits until it is ready.</summary>
    public static async Task<ControlNodeServer> StartAsync(string workingDirectory, IEnumerable<string> args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Control.Node.dll");
        Assert.True(File.Exists(dll), $"Control.Node.dll not found beside the tests at {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("run");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";

        var server = new ControlNodeServer(new Process { StartInfo = psi, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._url.TrySetException(new InvalidOperationException("Control.Node exited before printing its management URL"));
        Assert.True(server._process.Start(), "dotnet did not start");
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            server.ManagementUrl = await server._url.Task.WaitAsync(timeout.Token);
            await server.WaitReadyAsync(timeout.Token);
            return server;
        }
        catch (Exception ex)
        {
            await server.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"Control.Node run did not become ready within {StartTimeout} ({ex.Message}). Output:\n{server.Output}");
        }
    }

    /// <summary>SIGKILL (Process.Kill on Unix): the node gets no chance to flush or shut down; waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The exit code once exited (137 = 128 + SIGKILL on Linux).</summary>
    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to kill.
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = ManagementUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync("/ready", cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited) throw new InvalidOperationException($"Control.Node exited with {_process.ExitCode} before it was ready");
            await Task.Delay(ReadyPollInterval, cancellationToken);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ManagementLine().Match(line) is { Success: true } match)
        {
            _url.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>The "management │ http://…" row of the health table <c>run</c> prints once it listens.</summary>
    [GeneratedRegex(@"management\s+│\s+(http://[^\s│]+)")]
    private static partial Regex ManagementLine();
}
