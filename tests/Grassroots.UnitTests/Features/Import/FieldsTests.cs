using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Registry;

namespace Grassroots.UnitTests.Features.Import;

public class FieldsTests
{
    private static readonly Column Any = new("any", "任意");
    private static readonly Column Must = new("must", "必填", 0, Required: true);
    private static readonly Column Short = new("short", "短", 5);
    private static readonly Schema Schema = new(Any, Must, Short);

    private static (Fields Fields, ImportErrors Errors) Row(string? any, string? must = "x")
    {
        var errors = new ImportErrors();
        return (new Fields(Schema, Where.Row(7), [any, must, any], [true, true, true], errors), errors);
    }

    [Theory]
    [InlineData("2024-01-05", 2024, 1, 5)]
    [InlineData("2024-1-5", 2024, 1, 5)]
    [InlineData("2024/1/5", 2024, 1, 5)]
    [InlineData("2024/01/05", 2024, 1, 5)]
    public void Dates_AsIsoOrAsChineseExcelWritesThem_AreRead(string text, int y, int m, int d)
    {
        Assert.True(Cells.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("05/01/2024")]
    [InlineData("2024年1月5日")]
    [InlineData("yesterday")]
    public void Dates_InOtherShapes_AreRefused(string text) => Assert.False(Cells.TryParseDate(text, out _));

    [Theory]
    [InlineData("2024-01-05", "2024-01-04T16:00:00Z")]
    [InlineData("2024-01-05T08:30:00", "2024-01-05T00:30:00Z")]
    [InlineData("2024-01-05 08:30", "2024-01-05T00:30:00Z")]
    [InlineData("2024-01-05T00:30:00Z", "2024-01-05T00:30:00Z")]
    [InlineData("2024-01-05T09:30:00+09:00", "2024-01-05T00:30:00Z")]
    public void Instants_AreChinaTimeUnlessTheySayOtherwise_AndComeBackInUtc(string text, string utc)
    {
        Assert.True(Cells.TryParseInstant(text, out var value));
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), value);
    }

    [Theory]
    [InlineData("是", true)]
    [InlineData("否", false)]
    [InlineData("TRUE", true)]
    [InlineData("0", false)]
    [InlineData("y", true)]
    public void Booleans_InChineseOrEnglish_AreRead(string text, bool expected)
    {
        Assert.True(Cells.TryParseBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Text_IsTrimmed_AndEmptyIsNull()
    {
        Assert.Equal("ab", Row("  ab ").Fields.Text(Any));
        Assert.Null(Row("   ").Fields.Text(Any));
    }

    [Fact]
    public void Text_LongerThanTheColumn_IsTooLong()
    {
        var (fields, errors) = Row("abcdef");
        Assert.Null(fields.Text(Short));
        Assert.Equal(("row:7", "short", "too-long"), (errors.List[0].Location, errors.List[0].Field, errors.List[0].Code));
    }

    [Fact]
    public void ARequiredEmptyCell_IsRequired_InBothLanguages()
    {
        var (fields, errors) = Row("a", must: "");
        Assert.Null(fields.Text(Must));
        var problem = Assert.Single(errors.List);
        Assert.Equal("第 7 行，必填：必填，不能为空", problem.Zh);
        Assert.Equal("Row 7, must: is required", problem.En);
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("0", 0)]
    public void WholeNumbers_AreRead(string text, int expected) => Assert.Equal(expected, Row(text).Fields.WholeNumber(Any));

    [Theory]
    [InlineData("1.5", "not-integer")]
    [InlineData("三", "not-integer")]
    [InlineData("-1", "out-of-range")]
    public void WholeNumbers_ThatAreNot_AreReported(string text, string code)
    {
        var (fields, errors) = Row(text);
        Assert.Null(fields.WholeNumber(Any));
        Assert.Equal(code, Assert.Single(errors.List).Code);
    }

    [Theory]
    [InlineData("Branch", OrgKind.Branch)]
    [InlineData("branch", OrgKind.Branch)]
    [InlineData("党支部", OrgKind.Branch)]
    [InlineData("党工委", OrgKind.WorkingCommittee)]
    public void Choices_AreEnglishNamesOrChineseLabels(string text, OrgKind expected) =>
        Assert.Equal(expected, Row(text).Fields.Choice<OrgKind>(Any, k => k.Label()));

    [Fact]
    public void AnUnknownChoice_ListsTheChoices()
    {
        var (fields, errors) = Row("支部");
        Assert.Null(fields.Choice<OrgKind>(Any, k => k.Label()));
        var problem = Assert.Single(errors.List);
        Assert.Equal("unknown-value", problem.Code);
        Assert.Contains("党委、党工委、党总支、党支部", problem.Zh, StringComparison.Ordinal);
        Assert.Contains("Committee, WorkingCommittee, GeneralBranch, Branch", problem.En, StringComparison.Ordinal);
    }
}
