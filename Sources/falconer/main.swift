import App

await CommandLineTool.main()
