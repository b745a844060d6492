/*
 * hdrcheck - STYLE.md C3: every public header is self-contained.  Each
 * hdrcheck/<dir>.c includes one public header first and alone; this
 * program only has to build.  Running it checks nothing more.
 */
int
main(void)
{
	return 0;
}
