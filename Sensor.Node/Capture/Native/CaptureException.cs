namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// The one error type of the kernel capture boundary: a message a person can act on, the
/// <see cref="CaptureFailure"/> it belongs to, and the errno behind it. Derives from
/// <see cref="InvalidOperationException"/> so the CLI runner prints it as one line.
/// </summary>
public sealed class CaptureException : InvalidOperationException
{
    public CaptureException(CaptureFailure failure, string message, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        Errno = errno;
    }

    /// <summary>What kind of failure this is.</summary>
    public CaptureFailure Failure { get; }

    /// <summary>The errno that caused it; 0 when none (e.g. a filter syntax error).</summary>
    public int Errno { get; }
}
