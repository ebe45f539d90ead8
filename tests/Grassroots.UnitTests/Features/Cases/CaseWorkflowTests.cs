using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;

namespace Grassroots.UnitTests.Features.Cases;

public class CaseWorkflowTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc); // Monday 09:00 in Shanghai
    private static readonly StepActor Worker = new("lx.grid", "GridWorker");
    private static readonly StepActor Centre = new("lx.center", "ShiftLeader");
    private static readonly StepActor Dispatcher = new("lx.center", "Dispatcher");
    private static readonly StepActor Unit = new("lx.unit", "HandlingUnit", "320213-CGJ");
    private static readonly StepActor OtherUnit = new("xw.unit", "HandlingUnit", "320214-CGJ");
    private static readonly StepActor Resident = new("resident", "Resident");

    private static DateTime At(int minutes) => T0.AddMinutes(minutes);

    private static Case Reported() =>
        Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.57, "320213021001001", "320200000000/320213000000/320213021000/320213021001/", "暴露垃圾", Worker, T0, At(30));

    private static Case Registered()
    {
        var c = Reported();
        c.Register(Centre, At(5));
        return c;
    }

    private static Case Dispatched()
    {
        var c = Registered();
        c.Dispatch(Dispatcher, At(10), "320213-CGJ", At(250));
        return c;
    }

    private static Case Handled()
    {
        var c = Dispatched();
        c.Start(Unit, At(20));
        c.Feedback(Unit, At(200), "已清运", At(260), "photo-hash");
        return c;
    }

    private static Case Closed()
    {
        var c = Handled();
        c.Verify(Worker, At(230), done: true, "已核实", At(290));
        c.Close(Centre, At(240), CaseOutcome.Fixed);
        return c;
    }

    [Fact]
    public void Report_OpensTheCaseWithItsFirstStep()
    {
        var c = Reported();
        Assert.Equal(CaseStatus.Reported, c.Status);
        var step = Assert.Single(c.Steps);
        Assert.Equal((1, StepKind.Report, "lx.grid", "GridWorker"), (step.Seq, step.Kind, step.Actor, step.Role));
        Assert.Equal(At(30), c.StageDeadline);
    }

    [Fact]
    public void TheWholeWay_FromReportToClose_WritesOneRowPerStep_WithItsDeadlineAndTimeliness()
    {
        var c = Closed();
        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(CaseOutcome.Fixed, c.Outcome);
        Assert.Equal(At(240), c.ClosedAt);
        Assert.Equal(
            [StepKind.Report, StepKind.Register, StepKind.Dispatch, StepKind.Start, StepKind.Feedback, StepKind.VerifyPassed, StepKind.Close],
            c.Steps.Select(s => s.Kind));
        Assert.Equal(Enumerable.Range(1, 7), c.Steps.Select(s => s.Seq));

        var dispatch = c.Steps.Single(s => s.Kind == StepKind.Dispatch);
        Assert.Equal((T0, At(30), At(10), true), (dispatch.StartedAt, dispatch.Deadline, dispatch.FinishedAt, dispatch.OnTime));
        Assert.Equal("320213-CGJ", dispatch.Result);

        var feedback = c.Steps.Single(s => s.Kind == StepKind.Feedback);
        Assert.Equal((At(10), At(250), At(200), true), (feedback.StartedAt, feedback.Deadline, feedback.FinishedAt, feedback.OnTime));
        Assert.Equal("photo-hash", feedback.Photos);

        var check = c.Steps.Single(s => s.Kind == StepKind.VerifyPassed);
        Assert.Equal((At(200), At(260), true), (check.StartedAt, check.Deadline, check.OnTime));
    }

    [Fact]
    public void EveryStepWithPhotos_LinksEachPhotoOnceToItsStep_AndARefusedActionLinksNothing()
    {
        var c = Case.Report("0101", Urgency.Normal, CaseSource.Resident, 120.3, 31.57, "320213021001001", "320200000000/320213000000/320213021000/320213021001/", "暴露垃圾", Resident, T0, At(30), "r1;r2");
        c.Link(Resident, At(1), "同一处", "r2;l1");
        c.Register(Centre, At(5));
        c.Dispatch(Dispatcher, At(10), "320213-CGJ", At(250));
        c.AssignJoint(Dispatcher, At(11), [("320213-ZJJ", "清运")]);
        c.FinishTask(new StepActor("zjj", "HandlingUnit", "320213-ZJJ"), At(12), "已清运", "t1");
        Assert.Throws<CaseRuleException>(() => c.Verify(Worker, At(13), done: true, "太早", At(20), "x1"));
        c.Feedback(Unit, At(200), "已清运", At(260), "f1;f1;f2");
        c.Verify(Worker, At(210), done: false, "仍有垃圾", At(300), "v1");
        c.Feedback(Unit, At(220), "已清运", At(280));

        Assert.Equal(
            [("r1", StepKind.Report), ("r2", StepKind.Report), ("r2", StepKind.Linked), ("l1", StepKind.Linked), ("t1", StepKind.TaskDone), ("f1", StepKind.Feedback), ("f2", StepKind.Feedback), ("v1", StepKind.VerifyFailed)],
            c.PhotoLinks.Select(p => (p.Hash, p.Step!.Kind)));
        Assert.All(c.PhotoLinks, p => Assert.Contains(p.Hash, p.Step!.Photos!, StringComparison.Ordinal));
        Assert.All(c.PhotoLinks, p => Assert.Contains(p.Step!, c.Steps));
    }

    [Fact]
    public void ALateStep_IsRecordedAsLate()
    {
        var c = Registered();
        c.Dispatch(Dispatcher, At(45), "320213-CGJ", At(300));
        Assert.False(c.Steps.Single(s => s.Kind == StepKind.Dispatch).OnTime);
    }

    [Fact]
    public void Accept_ThenRegister_KeepsTheDispatchClockRunning()
    {
        var c = Reported();
        c.Accept(Centre, At(2));
        c.Register(Centre, At(4));
        Assert.Equal(CaseStatus.Registered, c.Status);
        Assert.Equal(T0, c.StageStartedAt);
        Assert.Equal(At(30), c.StageDeadline);
    }

    [Fact]
    public void Void_NeedsAReason_AndEndsTheCase()
    {
        var c = Reported();
        Assert.Equal("reason-required", Assert.Throws<CaseRuleException>(() => c.Void(Centre, At(3), " ")).Code);
        c.Void(Centre, At(3), "重复上报");
        Assert.Equal(CaseStatus.Voided, c.Status);
        Assert.False(c.Status.IsOpen());
        Assert.Equal("重复上报", c.Steps[^1].Comment);
    }

    [Fact]
    public void Return_SendsTheCaseBackToBeDispatchedAgain_AndCountsIt()
    {
        var c = Dispatched();
        c.Return(Unit, At(15), "不属于本单位职责", At(45));
        Assert.Equal(CaseStatus.Registered, c.Status);
        Assert.Null(c.UnitCode);
        Assert.Equal(1, c.ReturnCount);
        Assert.Equal(At(45), c.StageDeadline);
        c.Dispatch(Dispatcher, At(20), "320213-ZJJ", At(300));
        Assert.Equal("320213-ZJJ", c.UnitCode);
    }

    [Fact]
    public void AFailedCheck_SendsTheCaseBackForRework_AndCountsIt()
    {
        var c = Handled();
        Assert.Equal("reason-required", Assert.Throws<CaseRuleException>(() => c.Verify(Worker, At(210), done: false, null, At(400))).Code);
        c.Verify(Worker, At(210), done: false, "仍有垃圾未清", At(400));
        Assert.Equal(CaseStatus.InProgress, c.Status);
        Assert.Equal(1, c.ReworkCount);
        Assert.Equal(At(400), c.StageDeadline);
        Assert.Equal(StepKind.VerifyFailed, c.Steps[^1].Kind);
        c.Feedback(Unit, At(300), "已全部清运", At(360));
        Assert.Equal(CaseStatus.Handled, c.Status);
    }

    [Fact]
    public void ClosingAsNotFixed_IsItsOwnOutcome_AndNeedsAReason()
    {
        var c = Handled();
        c.Verify(Worker, At(230), done: true, null, At(290));
        Assert.Throws<CaseRuleException>(() => c.Close(Centre, At(240), CaseOutcome.NotFixed));
        c.Close(Centre, At(240), CaseOutcome.NotFixed, "需市级统筹，暂无法解决");
        Assert.Equal(CaseOutcome.NotFixed, c.Outcome);
        Assert.Equal("NotFixed", c.Steps[^1].Result);
    }

    [Fact]
    public void AnExtension_IsAskedByTheUnit_AndDecidedByTheDispatcher()
    {
        var c = Dispatched();
        Assert.Equal("extension-not-later", Assert.Throws<CaseRuleException>(() => c.AskExtension(Unit, At(30), At(200), "材料未到")).Code);
        c.AskExtension(Unit, At(30), At(600), "材料未到");
        Assert.Equal("extension-pending", Assert.Throws<CaseRuleException>(() => c.AskExtension(Unit, At(31), At(700), "再延")).Code);
        Assert.Equal(At(250), c.StageDeadline);

        c.DecideExtension(Dispatcher, At(40), approve: true);
        Assert.Equal(At(600), c.StageDeadline);
        Assert.Equal(1, c.ExtensionCount);
        Assert.Null(c.ExtensionAskedUntil);
        Assert.Equal("no-extension", Assert.Throws<CaseRuleException>(() => c.DecideExtension(Dispatcher, At(41), approve: true)).Code);
    }

    [Fact]
    public void ARefusedExtension_LeavesTheDeadline_AndNeedsAReason()
    {
        var c = Dispatched();
        c.AskExtension(Unit, At(30), At(600), "材料未到");
        Assert.Throws<CaseRuleException>(() => c.DecideExtension(Dispatcher, At(40), approve: false));
        c.DecideExtension(Dispatcher, At(40), approve: false, "期限足够");
        Assert.Equal(At(250), c.StageDeadline);
        Assert.Equal(0, c.ExtensionCount);
        Assert.Equal(StepKind.ExtensionRefused, c.Steps[^1].Kind);
    }

    [Fact]
    public void Parking_StopsTheCase_AndResumeReturnsItWhereItStood()
    {
        var c = Dispatched();
        c.Park(Dispatcher, At(60), "需等待汛期结束");
        Assert.Equal(CaseStatus.Parked, c.Status);
        Assert.True(c.Status.IsOpen());
        Assert.Throws<CaseRuleException>(() => c.Feedback(Unit, At(70), "x", At(80)));

        c.Resume(Dispatcher, At(500), At(690));
        Assert.Equal(CaseStatus.Dispatched, c.Status);
        Assert.Equal(At(690), c.StageDeadline);
        Assert.Null(c.ParkedFrom);
    }

    [Fact]
    public void Supervision_OnlyGoesUp_AndOnlyOnOpenCases()
    {
        var c = Dispatched();
        c.Supervise(new("leader", "Leader"), At(300), SupervisionLevel.Yellow, "请加快处置");
        Assert.Equal(SupervisionLevel.Yellow, c.Supervision);
        Assert.Equal("supervision-not-higher", Assert.Throws<CaseRuleException>(() => c.Supervise(new("leader", "Leader"), At(301), SupervisionLevel.Normal)).Code);
        c.Supervise(new("system", "System"), At(400), SupervisionLevel.Red);
        Assert.Equal(SupervisionLevel.Red, c.Supervision);

        Assert.Throws<CaseRuleException>(() => Closed().Supervise(new("leader", "Leader"), At(500), SupervisionLevel.Red));
    }

    [Fact]
    public void Dissatisfied_WithinTheWindow_ReopensAgainstTheClosingUnit()
    {
        var c = Closed();
        c.Rate(Resident, At(300), Rating.Dissatisfied, withinReopenWindow: true, At(600), "垃圾又堆起来了");
        Assert.Equal(CaseStatus.Dispatched, c.Status);
        Assert.Equal("320213-CGJ", c.UnitCode);
        Assert.Equal(1, c.ReopenCount);
        Assert.Null(c.Outcome);
        Assert.Equal([StepKind.Rate, StepKind.Reopen], c.Steps.TakeLast(2).Select(s => s.Kind));
    }

    [Fact]
    public void Dissatisfied_AfterTheWindow_IsRecordedButReopensNothing()
    {
        var c = Closed();
        c.Rate(Resident, At(300), Rating.Dissatisfied, withinReopenWindow: false, At(600));
        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(Rating.Dissatisfied, c.Rating);
        Assert.Equal("already-rated", Assert.Throws<CaseRuleException>(() => c.Rate(Resident, At(301), Rating.Satisfied, true, At(600))).Code);
    }

    [Fact]
    public void AUnit_CannotActOnACaseDispatchedToAnother()
    {
        var c = Dispatched();
        Assert.Equal("not-your-unit", Assert.Throws<CaseRuleException>(() => c.Start(OtherUnit, At(20))).Code);
        Assert.Equal("not-your-unit", Assert.Throws<CaseRuleException>(() => c.Feedback(OtherUnit, At(20), "x", At(60))).Code);
    }

    public static TheoryData<string, Func<Case>, Action<Case>> Refusals => new()
    {
        { "dispatch before registering", Reported, c => c.Dispatch(Dispatcher, At(1), "u", At(2)) },
        { "register twice", Registered, c => c.Register(Centre, At(6)) },
        { "void a dispatched case", Dispatched, c => c.Void(Centre, At(11), "x") },
        { "feedback before dispatch", Registered, c => c.Feedback(Unit, At(6), "x", At(7)) },
        { "verify before feedback", Dispatched, c => c.Verify(Worker, At(11), true, null, At(12)) },
        { "close before verification", Handled, c => c.Close(Centre, At(201), CaseOutcome.Fixed) },
        { "return a handled case", Handled, c => c.Return(Unit, At(201), "x", At(202)) },
        { "rate an open case", Dispatched, c => c.Rate(Resident, At(11), Rating.Satisfied, true, At(12)) },
        { "reopen an open case", Dispatched, c => c.Reopen(Centre, At(11), At(12), "x") },
        { "park a closed case", Closed, c => c.Park(Dispatcher, At(241), "x") },
        { "resume a case that is not parked", Dispatched, c => c.Resume(Dispatcher, At(11), null) },
        { "extend a case being checked", Handled, c => c.AskExtension(Unit, At(201), At(900), "x") },
        { "start twice", () => { var c = Dispatched(); c.Start(Unit, At(11)); return c; }, c => c.Start(Unit, At(12)) },
        { "joint handling before dispatch", Registered, c => c.AssignJoint(Dispatcher, At(6), [("320213-ZJJ", "x")]) },
        { "a task on a handled case", Handled, c => c.FinishTask(OtherUnit, At(201), "x") },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AnActionTheStateDoesNotAllow_IsRefusedWithAReason_AndChangesNothing(string what, Func<Case> make, Action<Case> act)
    {
        var c = make();
        var (status, steps, count, deadline, updated) = (c.Status, c.Steps.Count, c.StepCount, c.StageDeadline, c.UpdatedAt);
        var refusal = Assert.Throws<CaseRuleException>(() => act(c));
        Assert.Equal("not-allowed-now", refusal.Code);
        Assert.Contains(c.Status.Label(), refusal.Chinese, StringComparison.Ordinal);
        Assert.Contains(c.Status.ToString(), refusal.English, StringComparison.Ordinal);
        Assert.Equal((status, steps, count, deadline, updated), (c.Status, c.Steps.Count, c.StepCount, c.StageDeadline, c.UpdatedAt));
        Assert.False(string.IsNullOrEmpty(what));
    }

    public static TheoryData<string, Func<Case>, Action<Case>> MissingReasons => new()
    {
        { "void", Reported, c => c.Void(Centre, At(1), "") },
        { "return", Dispatched, c => c.Return(Unit, At(11), " ", At(40)) },
        { "feedback", Dispatched, c => c.Feedback(Unit, At(11), "", At(40)) },
        { "rework", Handled, c => c.Verify(Worker, At(201), false, null, At(300)) },
        { "not fixed", () => { var c = Handled(); c.Verify(Worker, At(201), true, null, At(300)); return c; }, c => c.Close(Centre, At(202), CaseOutcome.NotFixed) },
        { "extension", Dispatched, c => c.AskExtension(Unit, At(11), At(900), "") },
        { "refused extension", () => { var c = Dispatched(); c.AskExtension(Unit, At(11), At(900), "x"); return c; }, c => c.DecideExtension(Dispatcher, At(12), false) },
        { "park", Dispatched, c => c.Park(Dispatcher, At(11), "") },
        { "reopen", Closed, c => c.Reopen(Centre, At(300), At(600), "") },
    };

    [Theory]
    [MemberData(nameof(MissingReasons))]
    public void AnExceptionWithoutAReason_IsRefused_AndChangesNothing(string what, Func<Case> make, Action<Case> act)
    {
        var c = make();
        var before = (c.Status, c.Steps.Count, c.StageDeadline, c.ExtensionAskedUntil, c.UnitCode, c.ReworkCount, c.ReturnCount);
        Assert.Equal("reason-required", Assert.Throws<CaseRuleException>(() => act(c)).Code);
        Assert.Equal(before, (c.Status, c.Steps.Count, c.StageDeadline, c.ExtensionAskedUntil, c.UnitCode, c.ReworkCount, c.ReturnCount));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void JointHandling_GivesEachUnitATask_TheLeadWaitsForThem_AndEveryRefusalChangesNothing()
    {
        var c = Dispatched();
        var before = (c.StepCount, c.CooperatingUnits, c.OpenTaskUnits);
        Assert.Equal("invalid-unit", Assert.Throws<CaseRuleException>(() => c.AssignJoint(Dispatcher, At(11), [("320213-ZJJ", "清运"), ("320213-CGJ", "自己")])).Code);
        Assert.Equal("reason-required", Assert.Throws<CaseRuleException>(() => c.AssignJoint(Dispatcher, At(11), [("320213-ZJJ", " ")])).Code);
        Assert.Equal("duplicate-unit", Assert.Throws<CaseRuleException>(() => c.AssignJoint(Dispatcher, At(11), [("320213-ZJJ", "a"), ("320213-ZJJ", "b")])).Code);
        Assert.Equal("units-required", Assert.Throws<CaseRuleException>(() => c.AssignJoint(Dispatcher, At(11), [])).Code);
        Assert.Equal(before, (c.StepCount, c.CooperatingUnits, c.OpenTaskUnits));

        var steps = c.AssignJoint(Dispatcher, At(12), [("320213-ZJJ", "清运建筑垃圾"), ("320213-SW", "修复管道")]);
        Assert.Equal([(StepKind.Joint, "320213-ZJJ", "清运建筑垃圾"), (StepKind.Joint, "320213-SW", "修复管道")], steps.Select(s => (s.Kind, s.Result!, s.Comment!)));
        Assert.Equal("|320213-ZJJ|320213-SW|", c.CooperatingUnits);
        Assert.Equal("duplicate-unit", Assert.Throws<CaseRuleException>(() => c.AssignJoint(Dispatcher, At(13), [("320213-SW", "again")])).Code);

        var housing = new StepActor("zjj", "HandlingUnit", "320213-ZJJ");
        var water = new StepActor("sw", "HandlingUnit", "320213-SW");
        Assert.Equal("tasks-open", Assert.Throws<CaseRuleException>(() => c.Feedback(Unit, At(30), "已处置", At(90))).Code);
        Assert.Equal("no-open-task", Assert.Throws<CaseRuleException>(() => c.FinishTask(Unit, At(30), "x")).Code);
        var done = c.FinishTask(housing, At(40), "已清运");
        Assert.Equal((StepKind.TaskDone, "320213-ZJJ", true), (done.Kind, done.Unit!, done.OnTime!.Value));
        Assert.Equal("no-open-task", Assert.Throws<CaseRuleException>(() => c.FinishTask(housing, At(41), "again")).Code);
        Assert.Equal("|320213-SW|", c.OpenTaskUnits);
        c.FinishTask(water, At(300), "已修复");
        Assert.False(c.Steps[^1].OnTime); // after the lead's handling deadline (At(250))
        Assert.Null(c.OpenTaskUnits);
        c.Feedback(Unit, At(301), "已处置", At(360));
        Assert.Equal(CaseStatus.Handled, c.Status);
        Assert.Equal(c.Steps.Count, c.StepCount);
        Assert.Equal(Enumerable.Range(1, c.StepCount), c.Steps.Select(s => s.Seq));
    }

    [Fact]
    public void AReturnEndsJointHandling()
    {
        var c = Dispatched();
        c.AssignJoint(Dispatcher, At(12), [("320213-ZJJ", "清运")]);
        c.Return(Unit, At(20), "非本单位职责", At(50));
        Assert.Equal((null, null, null), (c.UnitCode, c.CooperatingUnits, c.OpenTaskUnits));
    }

    [Fact]
    public void ParkingRemembersWhen_AndResumingForgets()
    {
        var c = Dispatched();
        c.Park(Dispatcher, At(20), "待拆迁");
        Assert.Equal((CaseStatus.Parked, At(20)), (c.Status, c.ParkedAt!.Value));
        c.Resume(Dispatcher, At(100), At(330));
        Assert.Equal((CaseStatus.Dispatched, (DateTime?)null, (DateTime?)At(330)), (c.Status, c.ParkedAt, c.StageDeadline));
    }
}
