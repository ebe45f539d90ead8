using System.Net;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.IntegrationTests.Features.Accounts;

/// <summary>Phone numbers reach in full only the roles that need them, one person at a time, and every reveal is on record.</summary>
public class PersonalDataTests(SmallCityApp app)
{
    private static readonly string[] Accounts = ["admin", "lx.center", "lx.unit", "lx.grid", "lx.secretary", "assessor", "leader"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (Person Person, PartyOrg Org) SecretaryInScope(string community) => app.WithDb(db =>
    {
        var org = db.Set<PartyOrg>().AsNoTracking().Single(o => o.Code == community);
        return (db.Set<Person>().AsNoTracking().Single(p => p.Code == org.SecretaryCode), org);
    });

    [Fact]
    public async Task EveryRole_SeesPhonesMasked_InOrganisationsAndPeople()
    {
        var community = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.secretary").RegionCode);
        var (person, org) = SecretaryInScope(community);
        Assert.Matches(@"^1\d{10}$", person.Phone);

        foreach (var account in Accounts)
        {
            var client = await app.ClientAsync(account);
            foreach (var url in new[] { $"/api/orgs/{org.Code}", $"/api/people/{person.Code}" })
            {
                var body = await (await client.GetAsync(url, Ct)).Content.ReadAsStringAsync(Ct);
                Assert.DoesNotContain(person.Phone!, body, StringComparison.Ordinal);
                Assert.Contains(string.Concat(person.Phone.AsSpan(0, 3), "****", person.Phone.AsSpan(7)), body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task RevealingAPhone_IsForTheRolesThatCall_AndIsRecorded()
    {
        var community = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").RegionCode);
        var (person, _) = SecretaryInScope(community);
        var target = "person:" + person.Code;
        var before = await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Target == target && e.Operation == "personal-data.reveal", Ct));

        var contact = await (await (await app.ClientAsync("lx.grid")).GetAsync($"/api/people/{person.Code}/contact", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(person.Phone, contact.GetProperty("phone").GetString());
        var entry = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Target == target && e.Operation == "personal-data.reveal").OrderByDescending(e => e.Seq).FirstAsync(Ct));
        Assert.Equal("lx.grid", entry.Actor);
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Target == target && e.Operation == "personal-data.reveal", Ct)));

        foreach (var account in new[] { "lx.secretary", "assessor", "leader", "admin" })
        {
            var refused = await (await app.ClientAsync(account)).GetAsync($"/api/people/{person.Code}/contact", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain(person.Phone!, await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Contains(Roles.GridWorker, PermissionTable.RolesFor(Permission.RevealPersonalData));
    }

    [Fact]
    public async Task APersonsData_IsExportableOnRequest_WithTheRecordOfWhoSawIt()
    {
        var community = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").RegionCode);
        var (person, org) = SecretaryInScope(community);
        await (await app.ClientAsync("lx.center")).GetAsync($"/api/people/{person.Code}/contact", Ct);

        var data = await (await (await app.ClientAsync("admin")).GetAsync($"/api/people/{person.Code}/personal-data", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(person.Phone, data.GetProperty("person").GetProperty("phone").GetString());
        Assert.Contains(data.GetProperty("leads").EnumerateArray(), o => o.GetProperty("code").GetString() == org.Code);
        Assert.Contains(data.GetProperty("records").EnumerateArray(), r => r.GetProperty("actor").GetString() == "lx.center");
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Target == "person:" + person.Code && e.Operation == "personal-data.export", Ct)));
    }
}
