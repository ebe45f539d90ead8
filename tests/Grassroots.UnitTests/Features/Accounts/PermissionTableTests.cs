using Grassroots.Web.Features.Accounts;

namespace Grassroots.UnitTests.Features.Accounts;

public class PermissionTableTests
{
    private static string SecurityDoc()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "security.md")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, "docs", "security.md"));
    }

    [Fact]
    public void TheTableInSecurityMd_IsThePermissionTableTheCodeEnforces()
    {
        var doc = SecurityDoc();
        var start = doc.IndexOf("<!-- permission-table:start -->", StringComparison.Ordinal);
        var end = doc.IndexOf("<!-- permission-table:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/security.md has lost its permission table markers");

        var documented = doc[start..end].Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Permission", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(c => c[1], c => c[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList());

        var enforced = Enum.GetValues<Permission>().ToDictionary(p => p.ToString(), p => PermissionTable.RolesFor(p).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(enforced.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (permission, roles) in enforced)
        {
            Assert.True(roles.SequenceEqual(documented[permission]), $"{permission}: the code allows {string.Join(", ", roles)}, the document says {string.Join(", ", documented[permission])}");
        }
    }

    [Fact]
    public void EveryPermission_BelongsToAtLeastOneKnownRole()
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            var roles = PermissionTable.RolesFor(permission);
            Assert.NotEmpty(roles);
            Assert.All(roles, r => Assert.Contains(r, Roles.All));
        }
    }
}
