namespace NerfEngine.Shared.Fabric.Actors.Testing;

/// <summary>A <see cref="TestProbe"/> expectation failed; the message says what was expected and what happened.</summary>
public sealed class TestProbeException : Exception
{
    /// <summary>Creates the failure.</summary>
    public TestProbeException(string message)
        : base(message)
    {
    }
}
