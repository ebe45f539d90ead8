using System.Data;
using System.Globalization;
using System.Text;
using Grassroots.Web.Features.Import;
using MiniExcelLibs;

namespace Grassroots.UnitTests.Features.Import;

public class TableFilesTests
{
    private const string Chinese = "编码,名称\nA-1,中共崇安寺街道委员会\n";

    private static Table Read(byte[] content, FileFormat format, ImportErrors errors) =>
        TableFiles.Read(content, format, errors) ?? throw new InvalidOperationException(string.Join("\n", errors.List));

    [Fact]
    public void Decode_Utf8WithAByteOrderMark_DropsTheMark() =>
        Assert.Equal(Chinese, TableFiles.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Chinese)]));

    [Fact]
    public void Decode_Utf8WithoutAByteOrderMark_IsUtf8() =>
        Assert.Equal(Chinese, TableFiles.Decode(Encoding.UTF8.GetBytes(Chinese)));

    [Fact]
    public void Decode_Gb18030AsChineseExcelWritesIt_IsRecognised() =>
        Assert.Equal(Chinese, TableFiles.Decode(TableFiles.Gb18030.GetBytes(Chinese)));

    [Fact]
    public void Decode_Utf16WithAByteOrderMark_AsExcelsUnicodeText_IsRecognised() =>
        Assert.Equal(Chinese, TableFiles.Decode([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Chinese)]));

    [Fact]
    public void Csv_RowsKeepTheirSpreadsheetNumbers_AcrossBlankLinesAndQuotedLineBreaks()
    {
        var errors = new ImportErrors();
        var table = Read(Encoding.UTF8.GetBytes("code,name\nA,\"two\nlines\"\n\nB,b\n"), FileFormat.Csv, errors);
        Assert.False(errors.Any);
        Assert.Equal(["code", "name"], table.Header);
        Assert.Equal([(2, "A", "two\nlines"), (4, "B", "b")], table.Rows.Select(r => (r.Number, r.Cells[0], r.Cells[1])));
    }

    [Fact]
    public void Csv_SemicolonsAndTabs_AreDetectedAsSeparators()
    {
        var errors = new ImportErrors();
        Assert.Equal("x", Read(Encoding.UTF8.GetBytes("code;name\nA;x\n"), FileFormat.Csv, errors).Rows[0].Cells[1]);
        Assert.Equal("y", Read(Encoding.UTF8.GetBytes("code\tname\nA\ty\n"), FileFormat.Csv, errors).Rows[0].Cells[1]);
    }

    [Fact]
    public void Csv_ARowWithAnotherFieldCount_IsReportedAndLeftOut()
    {
        var errors = new ImportErrors();
        var table = Read(Encoding.UTF8.GetBytes("code,name\nA,a\nB,b,extra\nC\n"), FileFormat.Csv, errors);
        Assert.Equal([("row:3", "field-count"), ("row:4", "field-count")], errors.List.Select(p => (p.Location, p.Code)));
        Assert.Single(table.Rows);
    }

    [Fact]
    public void Csv_AnUnclosedQuote_IsMalformed()
    {
        var errors = new ImportErrors();
        TableFiles.Read(Encoding.UTF8.GetBytes("code,name\nA,\"never closed\nB,b\n"), FileFormat.Csv, errors);
        Assert.Contains(errors.List, p => p.Location == "row:2" && p.Code == "malformed-csv");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n \r\n")]
    [InlineData("code,name\r\n")]
    public void Csv_WithoutDataRows_IsAnEmptyFile(string text)
    {
        var errors = new ImportErrors();
        TableFiles.Read(Encoding.UTF8.GetBytes(text), FileFormat.Csv, errors);
        Assert.Equal("empty-file", Assert.Single(errors.List).Code);
    }

    [Theory]
    [InlineData("'=SUM(A1)", "=SUM(A1)")]
    [InlineData("'+8613812345678", "+8613812345678")]
    [InlineData("'-5", "-5")]
    [InlineData("'ordinary", "'ordinary")]
    [InlineData("'", "'")]
    public void Csv_TheApostropheThatExportPutsBeforeFormulas_IsTakenOff(string cell, string expected) =>
        Assert.Equal(expected, TableFiles.Unprotect(cell));

    [Fact]
    public void Xlsx_NumbersAndDates_AreReadAsCodesAndDates_WithTheirRowNumbers()
    {
        using var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        table.Columns.Add("code", typeof(object));
        table.Columns.Add("lon", typeof(object));
        table.Columns.Add("founded_on", typeof(object));
        table.Rows.Add(320213001001d, 120.3012345, new DateTime(2001, 7, 1));
        table.Rows.Add(null, null, null);
        table.Rows.Add("0012", 1.5, "2020-01-01");
        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, table);

        var errors = new ImportErrors();
        var read = Read(buffer.ToArray(), FileFormat.Xlsx, errors);
        Assert.Equal([
            (2, "320213001001", "120.3012345", "2001-07-01"),
            (4, "0012", "1.5", "2020-01-01"),
        ], read.Rows.Select(r => (r.Number, r.Cells[0], r.Cells[1], r.Cells[2])));
    }

    [Fact]
    public void Xlsx_ThatIsNotAWorkbook_IsMalformed()
    {
        var errors = new ImportErrors();
        Assert.Null(TableFiles.Read(Encoding.UTF8.GetBytes("code,name\nA,a\n"), FileFormat.Xlsx, errors));
        Assert.Equal(("file", "malformed-xlsx"), (errors.List[0].Location, errors.List[0].Code));
    }

    [Fact]
    public void Bind_AcceptsEnglishChineseAndAliasHeaders_InAnyOrderAndSpelling()
    {
        var errors = new ImportErrors();
        var table = Read(Encoding.UTF8.GetBytes("Parent Code,组织名称,CODE,类别,sector,备注\nP,名,C,党支部,Organ,ignored\n"), FileFormat.Csv, errors);
        var fields = Assert.Single(TableFiles.Bind(table, OrgColumns.Schema, errors));
        Assert.Equal(("C", "名", "P"), (fields.Text(OrgColumns.Code), fields.Text(OrgColumns.Name), fields.Text(OrgColumns.ParentCode)));
        Assert.False(errors.Any);
    }

    [Fact]
    public void Bind_AMissingRequiredColumn_IsOneProblemInTheHeader_NotOneOnEveryRow()
    {
        var errors = new ImportErrors();
        var table = Read(Encoding.UTF8.GetBytes("code,name,sector\nA,a,Organ\nB,b,Organ\n"), FileFormat.Csv, errors);
        foreach (var f in TableFiles.Bind(table, OrgColumns.Schema, errors))
        {
            Assert.Null(f.Choice<Grassroots.Web.Features.Registry.OrgKind>(OrgColumns.Kind, k => k.ToString()));
        }

        Assert.Equal(("header", "kind", "missing-column"), (Assert.Single(errors.List).Location, errors.List[0].Field, errors.List[0].Code));
    }

    [Fact]
    public void Bind_TwoHeadersForTheSameColumn_AreReported()
    {
        var errors = new ImportErrors();
        var table = Read(Encoding.UTF8.GetBytes("code,编码,name,kind,sector\nA,B,a,Branch,Organ\n"), FileFormat.Csv, errors);
        TableFiles.Bind(table, OrgColumns.Schema, errors);
        Assert.Equal(("header", "code", "duplicate-column"), (Assert.Single(errors.List).Location, errors.List[0].Field, errors.List[0].Code));
    }
}
