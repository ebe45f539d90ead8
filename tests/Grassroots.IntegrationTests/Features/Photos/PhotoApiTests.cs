using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Photos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Photos;

public class PhotoApiTests(PublicApp app) : IClassFixture<PublicApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStaffUpload_AnswersTheHash_AndTheUploaderReadsBackTheOriginalWithItsLocation()
    {
        var bytes = PublicSide.Jpeg(red: 11);
        var grid = await app.ClientAsync("lx.grid");
        var body = await (await grid.PostAsync("/api/photos", PublicSide.Form(("before.jpg", bytes, "image/jpeg")), Ct)).JsonAsync(HttpStatusCode.OK);
        var hash = body[0].GetProperty("hash").GetString()!;
        Assert.Equal(("image/jpeg", (long)bytes.Length), (body[0].GetProperty("contentType").GetString(), body[0].GetProperty("bytes").GetInt64()));
        Assert.Equal(Photo.Inspect(bytes, "image/jpeg").Hash, hash);

        var original = await grid.GetAsync($"/api/photos/{hash}", Ct);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("image/jpeg", original.Content.Headers.ContentType?.MediaType);
        var read = await original.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(bytes, read);
        Assert.Equal(31.57, Photo.Location(read).Lat!.Value, 3);

        // Another account, in the same district, sees nothing: the photo is on no case yet and is not theirs.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsync("lx.center")).GetAsync($"/api/photos/{hash}", Ct)).StatusCode);

        // Not on a case: not public either.
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/api/public/photos/{hash}", Ct)).StatusCode);
        var row = await app.WithDbAsync(db => db.Set<PhotoUpload>().SingleAsync(p => p.Hash == hash, Ct));
        Assert.Equal(("lx.grid", 120.30), (row.UploadedBy, Math.Round(row.Lon!.Value, 2)));
    }

    [Fact]
    public async Task AFileThatIsNotTheImageItClaims_IsRefusedByName_AndNothingIsStored()
    {
        var good = PublicSide.Jpeg(red: 12);
        var hash = Photo.Inspect(good, "image/jpeg").Hash;
        Assert.False(await app.Services.GetRequiredService<IPhotoStore>().ExistsAsync(hash, Ct));
        var fake = "<html>not a picture</html>"u8.ToArray();
        var response = await (await app.ClientAsync("lx.grid")).PostAsync("/api/photos",
            PublicSide.Form(("good.jpg", good, "image/jpeg"), ("fake.png", fake, "image/png")), Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("fake.png", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(("fake.png", "photo-not-an-image"), (error.GetProperty("field").GetString(), error.GetProperty("code").GetString()));

        Assert.False(await app.Services.GetRequiredService<IPhotoStore>().ExistsAsync(hash, Ct));
        Assert.False(await app.WithDbAsync(db => db.Set<PhotoUpload>().AnyAsync(p => p.Hash == hash, Ct)));
    }

    [Fact]
    public async Task APngClaimingToBeAJpeg_IsRefusedAsAMismatch()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgba32>(8, 8);
        using var png = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, png);
        var response = await (await app.ClientAsync("lx.unit")).English().PostAsync("/api/photos", PublicSide.Form(("after.jpg", png.ToArray(), "image/jpeg")), Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, english: true);
        Assert.Equal("photo-type-mismatch", problem.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnUploadWithoutFiles_IsABadRequest()
    {
        var response = await (await app.ClientAsync("lx.grid")).PostAsync("/api/photos", new MultipartFormDataContent { { new StringContent("x"), "note" } }, Ct);
        Assert.Equal("no-file", (await response.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task APhotoOnACase_IsPublicWithoutItsLocation_AndItsOriginalIsForStaffWhoSeeTheCase()
    {
        var bytes = PublicSide.Jpeg(red: 13);
        var resident = app.CreateClient();
        var hash = await PublicSide.UploadAsync(resident, bytes);
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 3);
        await PublicSide.ReportAsync(resident, "B0106", lon, lat, [hash]);

        var copy = await resident.GetAsync($"/api/public/photos/{hash}", Ct);
        Assert.Equal(HttpStatusCode.OK, copy.StatusCode);
        Assert.Equal("image/jpeg", copy.Content.Headers.ContentType?.MediaType);
        var copied = await copy.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal((null, null), Photo.Location(copied));
        Assert.Equal(PhotoType.Jpeg, Photo.Inspect(copied, "image/jpeg").Type);

        // The original, location included, for staff whose scope holds the case; 新吴区 staff get 404.
        var original = await (await app.ClientAsync("lx.center")).GetAsync($"/api/photos/{hash}", Ct);
        Assert.Equal(bytes, await original.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsync("xw.center")).GetAsync($"/api/photos/{hash}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await resident.GetAsync($"/api/photos/{hash}", Ct)).StatusCode);
    }

    [Fact]
    public async Task AReportNamingAPhotoThatWasNeverUploaded_IsRefused_AndOpensNoCase()
    {
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 4);
        var before = await app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Cases.Case>().CountAsync(Ct));
        var response = await app.CreateClient().PostAsJsonAsync("/api/public/reports",
            new { category = "B0107", lon, lat, description = "井盖缺失", photos = new[] { new string('a', 64), "../../etc/passwd" } }, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(2, problem.GetProperty("errors").EnumerateArray().Count(e => e.GetProperty("code").GetString() == "unknown-photo"));
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Cases.Case>().CountAsync(Ct)));
    }
    private async Task<HttpStatusCode> OriginalAsync(string username, string hash) =>
        (await (await app.ClientAsync(username)).GetAsync($"/api/photos/{hash}", Ct)).StatusCode;

    private async Task ActAsync(string username, long id, string action, object? body = null)
    {
        var response = await (await app.ClientAsync(username)).PostAsJsonAsync($"/api/cases/{id}/{action}", body ?? new { }, Ct);
        await response.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PhotosOnAReport_AJoinedReportAndFeedback_AreLinkedToTheirSteps_AndFoundThroughTheLinks()
    {
        var resident = app.CreateClient();
        var reported = await PublicSide.UploadAsync(resident, PublicSide.Jpeg(red: 14));
        var joined = await PublicSide.UploadAsync(resident, PublicSide.Jpeg(red: 15));
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 5);
        var code = await PublicSide.ReportAsync(resident, "S0103", lon, lat, [reported]);

        // The same problem reported again nearby joins the case: its photo is linked to the Linked step.
        var again = await resident.PostAsJsonAsync("/api/public/reports", new { category = "S0103", lon, lat, description = "还是很脏", photos = new[] { joined } }, Ct);
        Assert.True((await again.JsonAsync(HttpStatusCode.OK)).GetProperty("linked").GetBoolean());
        var id = await app.WithDbAsync(db => db.Set<Case>().Where(c => c.TrackingCode == code).Select(c => c.Id).SingleAsync(Ct));

        // The unit's after photo is its own upload until feedback puts it on the case; 梁溪区's command centre cannot read it before.
        var unit = await app.ClientAsync("lx.unit");
        var after = (await (await unit.PostAsync("/api/photos", PublicSide.Form(("after.jpg", PublicSide.Jpeg(red: 16), "image/jpeg")), Ct)).JsonAsync(HttpStatusCode.OK))[0].GetProperty("hash").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, await OriginalAsync("lx.center", after));
        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync($"/api/public/photos/{after}", Ct)).StatusCode);
        await ActAsync("lx.center", id, "accept");
        await ActAsync("lx.center", id, "register");
        await ActAsync("lx.center", id, "dispatch");
        await ActAsync("lx.unit", id, "start");
        await ActAsync("lx.unit", id, "feedback", new { result = "已清扫", photos = after });

        var (steps, links) = await app.WithDbAsync(async db => (
            await db.Set<CaseStep>().Where(s => s.CaseId == id).ToDictionaryAsync(s => s.Id, s => s.Kind, Ct),
            await db.Set<CasePhoto>().Where(p => p.CaseId == id).ToListAsync(Ct)));
        Assert.Equal(
            [(reported, StepKind.Report), (joined, StepKind.Linked), (after, StepKind.Feedback)],
            links.OrderBy(l => l.StepId).Select(l => (l.Hash, steps[l.StepId])));

        foreach (var hash in new[] { reported, joined, after })
        {
            Assert.Equal(HttpStatusCode.OK, (await resident.GetAsync($"/api/public/photos/{hash}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, await OriginalAsync("lx.center", hash));
            Assert.Equal(HttpStatusCode.NotFound, await OriginalAsync("xw.center", hash));
        }

        // The unit sees the case it handles, and so the residents' originals on it.
        Assert.Equal(HttpStatusCode.OK, await OriginalAsync("lx.unit", reported));
    }

    [Fact]
    public async Task APhotoOnACaseOutsideTheCallersScope_IsNotServed_AndItsLinkIsNeverChanged()
    {
        var resident = app.CreateClient();
        var hash = await PublicSide.UploadAsync(resident, PublicSide.Jpeg(red: 17));
        var (lon, lat, _) = PublicSide.PointIn(app, "320214", 5);
        await PublicSide.ReportAsync(resident, "B0106", lon, lat, [hash]);

        // 新吴区's case: its staff read the original; 梁溪区's command centre, unit and grid worker do not.
        Assert.Equal(HttpStatusCode.OK, await OriginalAsync("xw.center", hash));
        foreach (var outside in new[] { "lx.center", "lx.unit", "lx.grid" })
        {
            Assert.Equal(HttpStatusCode.NotFound, await OriginalAsync(outside, hash));
        }

        Assert.Equal(HttpStatusCode.OK, (await resident.GetAsync($"/api/public/photos/{hash}", Ct)).StatusCode);

        // Like the steps, the links are written once: removing one is refused at save.
        var refused = await app.WithDbAsync(async db =>
        {
            db.Remove(await db.Set<CasePhoto>().SingleAsync(p => p.Hash == hash, Ct));
            return await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        });
        Assert.Contains("CasePhoto", refused.Message, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Set<CasePhoto>().AnyAsync(p => p.Hash == hash, Ct)));
    }
}
