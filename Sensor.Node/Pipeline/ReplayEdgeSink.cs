using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>The replay's tracker sink: records go to the batcher, ended flows to the summary ledger.</summary>
internal readonly struct ReplayEdgeSink(EdgeBatcher batcher, ConversationLedger ledger) : IEdgeSink
{
    private readonly EdgeBatcher _batcher = batcher;
    private readonly ConversationLedger _ledger = ledger;

    public void OnEdge(in GraphEdge edge) => _batcher.Add(in edge);

    public void OnNodeAddress(in NodeAddress address) => _batcher.AddNodeAddress(in address);

    public void OnFlowEnded(in FlowSummary flow) => _ledger.Add(in flow);
}
