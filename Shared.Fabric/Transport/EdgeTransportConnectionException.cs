namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// The transport's broker could not be reached, refused the credentials, or refused the topology.
/// The message is one sentence that names the broker (without its password) and the setting to change;
/// an <see cref="IOException"/>, so the command line reports it as one <c>error:</c> line.
/// </summary>
public sealed class EdgeTransportConnectionException : IOException
{
    /// <summary>Creates the error.</summary>
    public EdgeTransportConnectionException(string message, string setting, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The configuration key to change, e.g. <c>Transport:RabbitMq:Uri</c>.</summary>
    public string Setting { get; }
}
