namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>The journal's database could not be reached or opened; the message names the host/port or file.</summary>
public sealed class JournalConnectionException : JournalException
{
    /// <summary>Creates the error.</summary>
    public JournalConnectionException(string endpoint, Exception innerException)
        : base($"Cannot connect to the journal database at {endpoint}: {innerException.Message}", innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>Where the connection was attempted (host:port/database or file path).</summary>
    public string Endpoint { get; }
}
