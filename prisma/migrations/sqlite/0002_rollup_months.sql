-- CreateTable
CREATE TABLE "RollupMonth" (
    "cellId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "stats" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("cellId", "month"),
    CONSTRAINT "RollupMonth_cellId_fkey" FOREIGN KEY ("cellId") REFERENCES "RollupCell" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

