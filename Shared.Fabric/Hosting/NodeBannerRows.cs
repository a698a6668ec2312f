namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>One row of the table <c>run</c> prints once the node listens: what it is, and where or how much.</summary>
public sealed record NodeBannerRow(string Check, string Result);

/// <summary>
/// Rows an executable adds to the <c>run</c> banner (its own endpoints and settings), registered in DI and asked after
/// the node has started, so ports chosen at start (port 0) are known. Shared.Fabric knows only management HTTP.
/// </summary>
public interface INodeBannerRows
{
    /// <param name="managementUrl">The management HTTP base URL the node listens on, e.g. <c>http://127.0.0.1:8558</c>.</param>
    IEnumerable<NodeBannerRow> Rows(string managementUrl);
}
