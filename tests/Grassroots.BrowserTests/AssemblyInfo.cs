[assembly: AssemblyFixture(typeof(Grassroots.BrowserTests.Browser))]
