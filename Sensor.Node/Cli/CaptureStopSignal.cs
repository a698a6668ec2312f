using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// When a live capture verb stops: after its duration (0 = never), on Ctrl+C or SIGTERM (systemd,
/// kill), or when the caller cancels. Signals are taken over so the capture still prints its summary.
/// </summary>
internal sealed class CaptureStopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public CaptureStopSignal(double seconds, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (seconds > 0)
        {
            _stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnSignal);
    }

    public CancellationToken Token => _stop.Token;

    public bool IsStopRequested => _stop.IsCancellationRequested;

    private void StopOnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
