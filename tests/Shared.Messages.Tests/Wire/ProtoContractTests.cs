using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using NerfEngine.Shared.Messages.Control;
using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Tests.SharedMessages.Wire;

/// <summary>The .proto contracts other programs depend on keep their names and numbers.</summary>
public sealed class ProtoContractTests
{
    [Fact]
    public void Eve_streamer_contract_matches_the_shipper()
    {
        FileDescriptor file = EveStreamerReflection.Descriptor;
        Assert.Equal("eve_streamer", file.Package);

        MethodDescriptor method = file.FindTypeByName<ServiceDescriptor>("EventStreamer").FindMethodByName("StreamEvents");
        Assert.True(method.IsClientStreaming);
        Assert.False(method.IsServerStreaming);
        Assert.Equal("eve_streamer.Event", method.InputType.FullName);
        Assert.Equal("eve_streamer.StreamSummary", method.OutputType.FullName);

        Assert.Equal(
            ["event_id=1:String", "type=2:String", "timestamp=3:Int64", "entities=4:Message"],
            Event.Descriptor.Fields.InFieldNumberOrder().Select(f => $"{f.Name}={f.FieldNumber}:{f.FieldType}"));
        Assert.Equal(
            ["accepted=1:UInt64", "rejected=2:UInt64", "message=3:String"],
            StreamSummary.Descriptor.Fields.InFieldNumberOrder().Select(f => $"{f.Name}={f.FieldNumber}:{f.FieldType}"));
    }

    [Fact]
    public void Eve_event_with_entities_round_trips()
    {
        var sent = new Event { EventId = "e-1", Type = "flow", Timestamp = 1_700_000_000_000 };
        sent.Entities.Add(new Entity { Key = "src_ip", Value = "10.0.0.1" });

        Assert.Equal(sent, Event.Parser.ParseFrom(sent.ToByteArray()));
    }

    [Fact]
    public void Heartbeat_round_trips_with_roles_and_status()
    {
        var heartbeat = new Heartbeat
        {
            Address = new MemberAddress { Protocol = "nerf", System = "NerfEngine", Host = "10.0.0.5", Port = 8558 },
            Uid = 0xfeed_beef,
            Status = MemberStatus.Up,
            TimestampUnixMs = 1_700_000_000_000,
            Sequence = 9,
            IntervalMs = 1000,
            Roles = { "detector", "control" },
        };

        Assert.Equal(heartbeat, Heartbeat.Parser.ParseFrom(heartbeat.ToByteArray()));
    }

    [Fact]
    public void Fan_in_alert_carries_its_score_inputs_and_node_ids()
    {
        var alert = new DetectionAlert
        {
            AlertId = "a-1",
            Detector = "temporal_fan_in",
            Pattern = "botnet_coordination",
            ScoreInputs = new ScoreInputs
            {
                TemporalFanIn = new TemporalFanInInputs { SourceCount = 120, SourceEntropy = 6.91, TimingEntropy = 0.01, WindowMs = 200 },
            },
            NodeIds = { 3UL, ulong.MaxValue, 1UL },
            WindowStartNs = 1_000,
            WindowEndNs = 201_000_000,
        };

        DetectionAlert back = DetectionAlert.Parser.ParseFrom(alert.ToByteArray());

        Assert.Equal(alert, back);
        Assert.Equal(ScoreInputs.InputsOneofCase.TemporalFanIn, back.ScoreInputs.InputsCase);
    }

    [Fact]
    public void Ask_reply_carries_a_typed_payload_back_under_the_same_correlation_id()
    {
        var ask = new AskRequest
        {
            CorrelationId = "c-7",
            ReplyTo = "amq.rabbitmq.reply-to",
            Target = "/user/executor",
            Payload = Any.Pack(new Heartbeat { Uid = 1 }),
            DeadlineUnixMs = 1_700_000_005_000,
        };
        AskRequest received = AskRequest.Parser.ParseFrom(ask.ToByteArray());
        var reply = new AskReply { CorrelationId = received.CorrelationId, Status = AskStatus.Ok, Payload = received.Payload };

        AskReply back = AskReply.Parser.ParseFrom(reply.ToByteArray());

        Assert.Equal("c-7", back.CorrelationId);
        Assert.True(back.Payload.TryUnpack(out Heartbeat heartbeat));
        Assert.Equal(1UL, heartbeat.Uid);
    }
}
