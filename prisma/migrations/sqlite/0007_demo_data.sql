-- CreateTable
CREATE TABLE "DemoData" (
    "organisationId" TEXT NOT NULL PRIMARY KEY,
    "writtenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "responses" INTEGER NOT NULL,
    "removedAt" DATETIME
);

