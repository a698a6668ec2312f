namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// A capture engine could not start. The one error type of the engine boundary: its message is a
/// complete sentence for an operator (what failed and what to do), shown as one line by the CLI.
/// </summary>
public sealed class CaptureStartException : Exception
{
    /// <summary>Creates the exception for <paramref name="engine"/>.</summary>
    public CaptureStartException(string engine, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Engine = engine;
    }

    /// <summary>The engine's <see cref="ICaptureEngine.Name"/>.</summary>
    public string Engine { get; }
}
