using System.Diagnostics;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Pipeline;

public sealed partial class ReplayPipeline
{
    /// <summary>The loop: read, pace, parse, track, batch; then flush everything and drain the outbox.</summary>
    private async Task<ReplaySummary> RunAsync()
    {
        CaptureFileReader reader = _reader!;
        CancellationToken stop = _stop.Token;
        long started = _time.GetTimestamp();
        var sink = new ReplayEdgeSink(_batcher!, _ledger);
        bool completed = false;
        string? error = null;
        string? warning = null;
        try
        {
            if (_options.Speed.IsMaximum)
            {
                ReplayAtMaximumSpeed(reader, ref sink, stop);
            }
            else
            {
                var clock = new ReplayClock(_options.Speed, _time);
                while (reader.MoveNext())
                {
                    ValueTask due = clock.WaitAsync(reader.Current.TimestampNanoseconds, stop);
                    if (!due.IsCompleted)
                    {
                        await due.ConfigureAwait(false);
                    }

                    ProcessCurrent(reader, ref sink);
                    PublishProgress(reader.RecordsRead, reader.FilePosition);
                }
            }

            completed = true;
        }
        catch (CaptureFileTruncatedException ex)
        {
            // A capture cut while being written: every complete record was replayed.
            completed = true;
            warning = ex.Message;
        }
        catch (CaptureFileFormatException ex)
        {
            error = ex.Message;
            Volatile.Write(ref _lastError, ex.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            warning = "Replay stopped before the end of the file.";
        }
        finally
        {
            reader.Dispose();
        }

        if (completed)
        {
            Volatile.Write(ref _filePosition, _fileLength);
        }

        // The capture is over either way: close every flow so the summary and the edges are whole.
        _tracker.Flush(ref sink);
        _batcher!.Flush();
        using (var drain = new CancellationTokenSource(_options.EffectiveDrainTimeout, _time))
        using (stop.Register(static s => ((CancellationTokenSource)s!).Cancel(), drain))
        {
            await _outbox!.CompleteAsync(drain.Token).ConfigureAwait(false);
        }

        return BuildSummary(reader.Format, _time.GetElapsedTime(started), completed, error, warning);
    }

    /// <summary>
    /// No pacing: a <see cref="ReadAheadParser"/> thread reads and parses blocks of records while this
    /// thread counts, tracks and batches them. Stop requests are honoured between blocks; a reader
    /// error is rethrown after the records before it were processed, as a one-thread loop would.
    /// </summary>
    private void ReplayAtMaximumSpeed(CaptureFileReader reader, ref ReplayEdgeSink sink, CancellationToken stop)
    {
        if (_options.Threads == ReplayOptions.OneThread)
        {
            ReplayOnOneThread(reader, ref sink, stop);
            return;
        }

        using var readAhead = new ReadAheadParser(reader, _tracker.Keyer);
        readAhead.Start();
        while (readAhead.Take(stop) is { } block)
        {
            ProcessBlock(block, ref sink);
            PublishProgress(block.RecordsRead, block.FilePosition);
            block.ReadError?.Throw();
            readAhead.Return(block);
            stop.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// No pacing, one thread (<c>--threads 1</c>): the same blocks, filled and processed in turn by this thread, so
    /// both modes give the same records in the same order and the same output.
    /// </summary>
    private void ReplayOnOneThread(CaptureFileReader reader, ref ReplayEdgeSink sink, CancellationToken stop)
    {
        var block = new ParsedRecordBlock();
        FlowKeyer keyer = _tracker.Keyer;
        do
        {
            block.Fill(reader, in keyer);
            ProcessBlock(block, ref sink);
            PublishProgress(block.RecordsRead, block.FilePosition);
            block.ReadError?.Throw();
            stop.ThrowIfCancellationRequested();
        }
        while (!block.IsLast);
    }

    /// <summary>The per-record work of the replay loop, over a block in file order.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void ProcessBlock(ParsedRecordBlock block, ref ReplayEdgeSink sink)
    {
        int count = block.Count;
        for (int i = 0; i < count; i++)
        {
            block.Prefetch(i + ParsedRecordBlock.PrefetchRecordsAhead);
            PrefetchFlowOf(block, i + FlowPrefetchDistance);
            PrefetchBucketOf(block, i + (2 * FlowPrefetchDistance));
            ref readonly ParsedRecord record = ref block[i];
            Count(record.Outcome, record.IsFragment, record.TimestampNs);
            if (record.IsIp)
            {
                _tracker.Observe(in record.Packet, record.TimestampNs, ref sink);
            }
            else
            {
                _tracker.Advance(record.TimestampNs, ref sink);
            }
        }
    }

    /// <summary>How many records ahead the loop asks for a flow's entry (and twice that for its bucket).</summary>
    private const int FlowPrefetchDistance = 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchFlowOf(ParsedRecordBlock block, int index)
    {
        if ((uint)index < (uint)block.Count && block[index].IsIp)
        {
            _tracker.PrefetchFlow(block[index].Packet.Hash);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchBucketOf(ParsedRecordBlock block, int index)
    {
        if ((uint)index < (uint)block.Count && block[index].IsIp)
        {
            _tracker.PrefetchBucket(block[index].Packet.Hash);
        }
    }

    /// <summary>Parses the reader's current record and processes it (paced replay: one record at a time).</summary>
    private void ProcessCurrent(CaptureFileReader reader, ref ReplayEdgeSink sink)
    {
        CaptureRecord record = reader.Current;
        ParseOutcome outcome = PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
        Process(in packet, outcome, record.TimestampNanoseconds, ref sink);
    }

    /// <summary>Counts a parsed record and feeds the batcher's clock and the tracker (event time).</summary>
    private void Process(in ParsedPacket packet, ParseOutcome outcome, long timestamp, ref ReplayEdgeSink sink)
    {
        Count(outcome, packet.IsFragment, timestamp);
        if (outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6)
        {
            _tracker.Observe(in packet, timestamp, ref sink);
        }
        else
        {
            _tracker.Advance(timestamp, ref sink);
        }
    }

    /// <summary>Counts a parsed record and moves the batcher's clock (event time), before the tracker sees it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(ParseOutcome outcome, bool isFragment, long timestamp)
    {
        _parseCounters.Record(outcome, isFragment);
        _batcher!.Advance(timestamp);
        if (_recordsProcessed++ == 0)
        {
            _firstTimestampNs = timestamp;
        }

        _lastTimestampNs = timestamp;
    }

    /// <summary>Makes the records processed and the file position visible to progress readers on other threads.</summary>
    private void PublishProgress(long recordsRead, long filePosition)
    {
        Debug.Assert(recordsRead == _recordsProcessed, "every record read is processed before progress is published");
        Volatile.Write(ref _packetsRead, recordsRead);
        Volatile.Write(ref _filePosition, filePosition);
    }

    private ReplaySummary BuildSummary(CaptureFileFormat format, TimeSpan elapsed, bool completed, string? error, string? warning) => new(
        Path: _options.Path,
        Format: format,
        Speed: _options.Speed,
        Elapsed: elapsed,
        PacketsRead: _recordsProcessed,
        FileLength: _fileLength,
        FirstTimestampNs: _firstTimestampNs,
        LastTimestampNs: _lastTimestampNs,
        ParseOutcomes: _parseCounters.Snapshot(),
        Fragments: _parseCounters.Fragments,
        Flows: _tracker.GetStats(),
        Publishing: _outbox!.GetStats(),
        Capture: Stats,
        Conversations: _ledger.GetConversations(),
        OmittedConversations: _ledger.OmittedConversations,
        Completed: completed,
        Error: error,
        Warning: warning);
}
