namespace NerfEngine.Control.Detection.Graph;

/// <summary>Where a node sits relative to the monitored site, by its address.</summary>
public enum NodeClass : byte
{
    /// <summary>No address is known for the node id (the directory never saw it).</summary>
    Unknown = 0,

    /// <summary>The address is inside one of the configured internal networks.</summary>
    Internal = 1,

    /// <summary>The address is known and outside every internal network.</summary>
    External = 2,
}
